"""Application factory: settings, extensions, blueprints, CLI commands, template helpers, error pages."""
import errno

from flask import Flask, render_template, request
from jinja2 import StrictUndefined
from sqlalchemy.exc import SQLAlchemyError

from app import db_limits
from app.bounds import OutOfBounds, RecordIdConverter, has_nul
from app.extensions import csrf, db, limiter, login_manager, migrate
from config import CONFIGS, INSTANCE_DIR


def create_app(config_name: str | type = "development", **overrides) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    config = CONFIGS[config_name] if isinstance(config_name, str) else config_name
    app.config.from_object(config)
    app.config.update(overrides)
    config.check(app.config)
    if app.config["REPORT_CUTOFF_DAY"] not in (1, 15):
        raise ValueError("REPORT_CUTOFF_DAY phải là 1 (kỳ theo lịch) hoặc 15 (kỳ báo cáo của Chính phủ).")
    INSTANCE_DIR.mkdir(exist_ok=True)
    # `<int:…>` in every route stops at the largest id a column holds: a longer number is a 404,
    # not a driver error (issue 7, bad input).
    app.url_map.converters["int"] = RecordIdConverter
    if app.config["TEMPLATES_STRICT"]:
        # A fragment rendered without its inputs fails loudly in development and tests.
        app.jinja_env.undefined = StrictUndefined

    db.init_app(app)

    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (Flask runs them in reverse).
    @app.teardown_appcontext
    def _close_session_whatever_the_database_did(error):
        # A connection cut as the request ends (PostgreSQL restarting) must not turn a finished answer
        # into gunicorn's bare 500 page: errors in teardown bypass the error handlers.
        try:
            db.session.remove()
        except SQLAlchemyError as cut:
            db.session.registry.clear()
            # Expected while the database restarts, and the answer has gone out: one line, no stack.
            app.logger.warning("Kết nối cơ sở dữ liệu bị ngắt khi kết thúc yêu cầu: %s",
                               getattr(cut, "orig", None) or cut)
    migrate.init_app(app, db)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"

    from app import backup, htmx, jinja_filters, security
    from app.audit import recording as audit_recording
    from app.audit import views as audit_views
    from app.auth import permissions
    from app.auth import views as auth_views
    from app.catalog import cli as catalog_cli
    from app.catalog import views as catalog_views
    from app.demo import cli as demo_cli
    from app.digitisation import cli as digitisation_cli
    from app.digitisation import views as digitisation_views
    from app.dossiers import cli as dossiers_cli
    from app.dossiers import views as dossier_views
    from app.feedback import cli as feedback_cli
    from app.feedback import views as feedback_views
    from app.home import views as home_views
    from app.lookup.views import lookup_bp
    from app.reports.job_views import papers_bp
    from app.reports.quarterly_views import quarterly_bp
    from app.reports.report_views import report_bp
    from app.reports.views import reports_bp
    from app.stats import cli as stats_cli
    from app.stats import index_cli, index_views
    from app.stats import rollup_cli
    from app.stats import qd766_views  # noqa: F401 (its routes are on stats_bp: imported before registering)
    from app.stats.views import stats_bp
    from app.units import cli as units_cli
    from app.units import views as units_views
    from app.worktime import cli as worktime_cli
    from app.worktime import views as worktime_views

    for blueprint in (
        home_views.bp,
        auth_views.bp,
        units_views.bp,
        catalog_views.bp,
        worktime_views.bp,
        dossier_views.bp,
        feedback_views.bp,
        digitisation_views.bp,
        stats_bp,
        index_views.index_bp,
        reports_bp,
        quarterly_bp,
        report_bp,
        papers_bp,
        lookup_bp,
        audit_views.bp,
    ):
        app.register_blueprint(blueprint)
    # After the blueprints: each app gets its own limiter, which wraps this app's limited views.
    limiter.init_app(app)
    for command_group in (units_cli.units_cli, catalog_cli.catalog_cli, demo_cli.demo_cli,
                          auth_views.users_cli, dossiers_cli.dossiers_cli, stats_cli.report_cli,
                          index_cli.index_cli, backup.backup_cli, worktime_cli.calendar_cli, feedback_cli.feedback_cli,
                          digitisation_cli.results_cli, rollup_cli.figures_cli):
        app.cli.add_command(command_group)

    jinja_filters.register(app)
    htmx.register(app)
    security.register(app)
    permissions.register(app)
    audit_recording.register(app)
    from app.stats import rollups
    rollups.register()  # the figures' roll-ups follow every write of a dossier (same transaction)
    _register_error_pages(app)
    return app


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: ("Yêu cầu không hợp lệ", "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ. Vui lòng tải lại trang."),
        403: ("Không có quyền", "Tài khoản của bạn không được phép thực hiện thao tác này."),
        405: ("Thao tác không hợp lệ", "Trang này không nhận kiểu yêu cầu đó. Vui lòng quay lại và thử lại."),
        413: ("Tệp quá lớn", "Tệp gửi lên vượt quá giới hạn cho phép (5 MB cho tài liệu minh chứng)."),
        404: ("Không tìm thấy", "Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc nằm ngoài phạm vi đơn vị của bạn."),
        429: ("Quá nhiều lần thử", "Bạn đã thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại."),
        500: ("Lỗi hệ thống", "Đã có lỗi xảy ra. Dữ liệu đã lưu không bị ảnh hưởng; vui lòng thử lại."),
    }

    def make_handler(status: int):
        title, message = messages[status]

        def handle(error):
            if status == 500:
                db.session.rollback()
            return render_template("errors/error.html", status=status, title=title,
                                   message=message), status

        return handle

    for status in messages:
        app.register_error_handler(status, make_handler(status))

    def disk_full_or_other_os_error(error: OSError):
        db.session.rollback()
        if error.errno != errno.ENOSPC:
            app.logger.exception("Lỗi hệ điều hành khi xử lý %s %s", request.method, request.path)
            return render_template("errors/error.html", status=500, title=messages[500][0],
                                   message=messages[500][1]), 500
        # An export or a backup that cannot be written: say so, so that someone frees the disk.
        app.logger.error("Đĩa đầy khi xử lý %s %s: %s", request.method, request.path, error)
        return render_template(
            "errors/error.html", status=507, title="Máy chủ hết chỗ lưu",
            message="Đĩa của máy chủ đã đầy nên tệp chưa được tạo. Dữ liệu đã lưu không thay đổi. "
                    "Vui lòng báo bộ phận kỹ thuật giải phóng dung lượng rồi thử lại."), 507

    app.register_error_handler(OSError, disk_full_or_other_os_error)

    def out_of_bounds(error: OutOfBounds):
        db.session.rollback()
        return render_template("errors/error.html", status=400, title="Giá trị không hợp lệ",
                               message=str(error)), 400

    app.register_error_handler(OutOfBounds, out_of_bounds)

    @app.before_request
    def _refuse_nul():
        # PostgreSQL cannot hold or compare a NUL in text: a path or query carrying one is refused
        # here rather than by the driver (a 500). Form fields are cleaned of control characters.
        if has_nul(request.path, *request.args.keys(), *request.args.values()):
            return render_template("errors/error.html", status=400, title="Giá trị không hợp lệ",
                                   message="Địa chỉ có ký tự không hợp lệ (NUL)."), 400
    db_limits.register(app)
