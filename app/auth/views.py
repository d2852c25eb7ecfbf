"""Sign in, sign out, one's own password, and the administrator's pages for users (plus `flask users create`)."""
import math
import re
from functools import cache
from urllib.parse import unquote, urlsplit

import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit.recording import record_account_change, record_login, record_login_failed, record_logout
from app.auth import throttling
from app.auth.forms import LoginForm, PasswordChangeForm, UserForm
from app.auth.models import Role, User
from app.auth.passwords import password_problem
from app.auth.permissions import admin_required
from app.extensions import db, login_manager
from app.forms_vi import options
from app.units.models import Unit
from app.units.scope import get_visible_or_404, visible, visible_units
from app.worktime.clock import local_now

bp = Blueprint("auth", __name__)
users_cli = AppGroup("users", help="Tài khoản người dùng.")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session or remember cookie ("<id>.<token>"), if that token is still the account's."""
    user_id, _, token = session_id.partition(".")
    if not re.fullmatch(r"[0-9]{1,10}", user_id) or not token:
        return None  # a cookie from before session tokens, or forged: signed out
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or not user.holds_session_token(token):
        return None
    return user


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("mật khẩu không của ai", method=method)


def _password_matches(user: User | None, password: str) -> bool:
    """Check the password; for an unknown or locked account check a dummy hash, so that every failure
    costs the same time and the answer's delay does not tell which usernames exist."""
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return user.check_password(password) and user.is_active


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    address = request.remote_addr or ""
    username = (request.form.get("username") or "").strip().lower()[:64]
    if form.is_submitted():
        wait = throttling.wait_before_attempt(address, username)
        if wait > 0:
            form.password.errors = [throttling.wait_message(wait)]
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(math.ceil(wait))}
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data))
        if not _password_matches(user, form.password.data):
            throttling.count_failure(address, username)
            # One message for every failure: it must not tell which usernames exist.
            form.password.errors.append("Tên đăng nhập hoặc mật khẩu không đúng.")
            # The name as typed, before the form lower-cased it: what the person (or the script) sent.
            record_login_failed(request.form.get("username", ""), user)
            db.session.commit()
            return render_template("auth/login.html", form=form), 422
        throttling.count_success(address, username)
        login_user(user, remember=form.remember.data)
        user.last_login_at = local_now()
        record_login(user)
        db.session.commit()
        return redirect(safe_next(request.args.get("next")))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


_DOT_SEGMENT = re.compile(r"(^|/)\.\.?(/|$)")


def safe_next(target: str | None) -> str:
    """`target` if it is a path of this site, else the home page.

    An open redirect would let a phishing link borrow our login page. Browsers drop tabs and newlines
    from a URL and read a backslash as a slash, so "/<tab>/evil.example" and "/\\evil.example" lead to
    another host: anything with a control character, a backslash, a scheme or a host is refused, and
    so is a path that starts with "//" once percent-decoded.
    """
    home = url_for("home.index")
    if not target or len(target) > 2000 or not target.startswith("/"):
        return home
    if "\\" in target or any(not character.isprintable() or character.isspace() for character in target):
        return home
    parts = urlsplit(target)
    decoded = unquote(parts.path)
    if parts.scheme or parts.netloc or target.startswith("//") or decoded.startswith(("//", "/\\")):
        return home
    if "\\" in decoded or "//" in decoded or _DOT_SEGMENT.search(decoded):
        return home  # no path of ours has these; "/.//x" normalises to "//x", which reads as a host
    if any(not character.isprintable() or character.isspace() for character in decoded):
        return home
    return target


@bp.post("/logout")
@login_required
def logout():
    record_logout(current_user)
    # Signing out here signs out everywhere: another browser left signed in, a remember-me cookie.
    current_user.end_sessions()
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
            if user.id == current_user.id:
                login_user(user)  # a new password of one's own: this session goes on with the new token
            flash(f"Đã lưu tài khoản {user.username}.", "success")
            return redirect(url_for("auth.user_list"), code=303)
    return render_template("auth/user_form.html", form=form, user=user), 422 if form.errors else 200


def _apply_user_form(user: User, form: UserForm) -> None:
    user.username = form.username.data
    user.full_name = form.full_name.data
    user.role = Role(form.role.data)
    user.office = form.office.data or ""
    user.unit_id = form.unit_id.data  # choices are the visible units only, so this stays in scope
    if user.is_active and not form.is_active.data:
        user.deactivate()  # its sessions end now; reactivating later does not bring them back
    user.is_active = form.is_active.data
    if form.password.data:
        user.set_password(form.password.data)  # ends the account's sessions


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change():
    """One's own new password: every other session and remember-me cookie of the account ends."""
    form = PasswordChangeForm(current_user.username)
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("Mật khẩu hiện tại không đúng.")
        else:
            user = current_user._get_current_object()
            user.set_password(form.new_password.data)
            record_account_change(user, user, created=False)
            db.session.commit()
            login_user(user)  # this browser stays signed in, with the new token
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc.", "success")
            return redirect(url_for("home.index"), code=303)
    return render_template("auth/password_change.html", form=form), 422 if form.errors else 200


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", "full_name", required=True, help="Họ và tên.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_code", required=True, help="Mã định danh của đơn vị.")
@click.password_option(help="Mật khẩu (ít nhất 12 ký tự, không chứa tên đăng nhập, không phổ biến).")
def create_user_command(username, full_name, role, unit_code, password):
    """Tạo tài khoản (ví dụ tài khoản quản trị đầu tiên của một máy chủ mới)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise click.ClickException(f"Không có đơn vị mã {unit_code}.")
    problem = password_problem(password, username.lower())
    if problem:
        raise click.ClickException(problem)
    if db.session.scalar(select(User).where(User.username == username.lower())):
        raise click.ClickException(f"Tên đăng nhập {username} đã có.")
    user = User(username=username.lower(), full_name=full_name, role=Role(role), unit=unit)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Đã tạo {user.username} ({user.role_label}, {unit.name}).")
