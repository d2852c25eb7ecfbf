"""Application factory: settings, extensions, blueprints, CLI commands, template helpers, error pages."""
from flask import Flask, render_template
from jinja2 import StrictUndefined

from app.extensions import csrf, db, limiter, login_manager, migrate
from config import CONFIGS, INSTANCE_DIR


def create_app(config_name: str | type = "development", **overrides) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    config = CONFIGS[config_name] if isinstance(config_name, str) else config_name
    app.config.from_object(config)
    app.config.update(overrides)
    if app.config["REPORT_CUTOFF_DAY"] not in (1, 15):
        raise ValueError("REPORT_CUTOFF_DAY phải là 1 (kỳ theo lịch) hoặc 15 (kỳ báo cáo của Chính phủ).")
    INSTANCE_DIR.mkdir(exist_ok=True)
    if app.config["TEMPLATES_STRICT"]:
        # A fragment rendered without its inputs fails loudly in development and tests.
        app.jinja_env.undefined = StrictUndefined

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"

    from app import htmx, jinja_filters
    from app.auth import views as auth_views
    from app.catalog import cli as catalog_cli
    from app.catalog import views as catalog_views
    from app.demo import cli as demo_cli
    from app.dossiers import cli as dossiers_cli
    from app.dossiers import views as dossier_views
    from app.home import views as home_views
    from app.lookup.views import lookup_bp
    from app.reports.views import reports_bp
    from app.stats import cli as stats_cli
    from app.stats import index_cli, index_views
    from app.stats.views import stats_bp
    from app.units import cli as units_cli
    from app.units import views as units_views
    from app.worktime import views as worktime_views

    for blueprint in (
        home_views.bp,
        auth_views.bp,
        units_views.bp,
        catalog_views.bp,
        worktime_views.bp,
        dossier_views.bp,
        stats_bp,
        index_views.index_bp,
        reports_bp,
        lookup_bp,
    ):
        app.register_blueprint(blueprint)
    for command_group in (units_cli.units_cli, catalog_cli.catalog_cli, demo_cli.demo_cli,
                          auth_views.users_cli, dossiers_cli.dossiers_cli, stats_cli.report_cli,
                          index_cli.index_cli):
        app.cli.add_command(command_group)

    jinja_filters.register(app)
    htmx.register(app)
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
