"""Sign in, sign out, and the administrator's pages for users (plus `flask users create`)."""
import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from app.audit.recording import record_account_change, record_login, record_login_failed, record_logout
from app.auth.forms import LoginForm, UserForm
from app.auth.models import MIN_PASSWORD_LENGTH, Role, User
from app.auth.permissions import admin_required
from app.extensions import db, limiter, login_manager
from app.forms_vi import options
from app.units.models import Unit
from app.units.scope import get_visible_or_404, visible, visible_units
from app.worktime.clock import local_now

bp = Blueprint("auth", __name__)
users_cli = AppGroup("users", help="Tài khoản người dùng.")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def _login_limits() -> str:
    return current_app.config["LOGIN_LIMITS"]


def _username_key() -> str:
    # Throttle per account as well as per address, so that guessing from many machines is slow too.
    return "login-user:" + (request.form.get("username") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limits, methods=["POST"])
@limiter.limit(_login_limits, methods=["POST"], key_func=_username_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data))
        if user is None or not user.is_active or not user.check_password(form.password.data):
            # One message for every failure: it must not tell which usernames exist.
            form.password.errors.append("Tên đăng nhập hoặc mật khẩu không đúng.")
            # The name as typed, before the form lower-cased it: what the person (or the script) sent.
            record_login_failed(request.form.get("username", ""), user)
            db.session.commit()
            return render_template("auth/login.html", form=form), 422
        login_user(user, remember=form.remember.data)
        user.last_login_at = local_now()
        record_login(user)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


def _safe_next(target: str | None) -> str:
    # Only paths of this site: an open redirect would let a phishing link borrow our login page.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.post("/logout")
@login_required
def logout():
    record_logout(current_user)
    db.session.commit()
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


def _unit_choices() -> list[tuple[int, str]]:
    return [(unit.id, f"{'— ' * unit.depth}{unit.name} ({unit.code})")
            for unit in db.session.scalars(visible_units())]


@bp.get("/users")
@admin_required
def user_list():
    users = db.session.scalars(
        visible(select(User), User.unit_id).join(User.unit).order_by(Unit.path, User.username)
    ).all()
    return render_template("auth/users.html", users=users)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = UserForm()
    form.unit_id.choices = options(_unit_choices())
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append("Nhập mật khẩu cho tài khoản mới.")
        elif db.session.scalar(select(func.count()).where(User.username == form.username.data)):
            form.username.errors.append("Tên đăng nhập này đã có.")
        else:
            user = User(username=form.username.data)
            _apply_user_form(user, form)
            db.session.add(user)
            record_account_change(current_user, user, created=True)
            db.session.commit()
            flash(f"Đã tạo tài khoản {user.username}.", "success")
            return redirect(url_for("auth.user_list"), code=303)
    return render_template("auth/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = get_visible_or_404(User, user_id)
    form = UserForm(obj=user)
    form.unit_id.choices = options(_unit_choices())
    if form.validate_on_submit():
        clash = db.session.scalar(
            select(func.count()).where(User.username == form.username.data, User.id != user.id)
        )
        if clash:
            form.username.errors.append("Tên đăng nhập này đã có.")
        elif user.id == current_user.id and (form.role.data != Role.ADMIN or not form.is_active.data):
            form.role.errors.append("Không thể tự bỏ quyền quản trị hoặc khóa tài khoản của chính mình.")
        else:
            _apply_user_form(user, form)
            record_account_change(current_user, user, created=False)
            db.session.commit()
            flash(f"Đã lưu tài khoản {user.username}.", "success")
            return redirect(url_for("auth.user_list"), code=303)
    return render_template("auth/user_form.html", form=form, user=user), 422 if form.errors else 200


def _apply_user_form(user: User, form: UserForm) -> None:
    user.username = form.username.data
    user.full_name = form.full_name.data
    user.role = Role(form.role.data)
    user.unit_id = form.unit_id.data  # choices are the visible units only, so this stays in scope
    user.is_active = form.is_active.data
    if form.password.data:
        user.set_password(form.password.data)


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", "full_name", required=True, help="Họ và tên.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_code", required=True, help="Mã định danh của đơn vị.")
@click.password_option(help="Mật khẩu (ít nhất 8 ký tự).")
def create_user_command(username, full_name, role, unit_code, password):
    """Tạo tài khoản (ví dụ tài khoản quản trị đầu tiên của một máy chủ mới)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise click.ClickException(f"Không có đơn vị mã {unit_code}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if db.session.scalar(select(User).where(User.username == username.lower())):
        raise click.ClickException(f"Tên đăng nhập {username} đã có.")
    user = User(username=username.lower(), full_name=full_name, role=Role(role), unit=unit)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Đã tạo {user.username} ({user.role_label}, {unit.name}).")
