"""Flask extensions, created once and bound to the app in create_app (imports nothing from app.*)."""
import sqlite3
from collections.abc import Callable

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that Alembic can alter tables on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()


_DECLARED_LIMITS = "_motcua_rate_limits"


class _Declared:
    """One `limit(...)` or `shared_limit(...)` as a view module wrote it."""

    def __init__(self, method: str, args: tuple, kwargs: dict) -> None:
        self.method, self.args, self.kwargs = method, args, kwargs

    def __call__(self, view: Callable) -> Callable:
        # Stacked decorators append bottom-up, the order in which Flask-Limiter itself would wrap.
        view.__dict__.setdefault(_DECLARED_LIMITS, []).append(self)
        return view


class PerAppLimiter:
    """Rate limits declared once on the views, enforced by a Flask-Limiter that belongs to each app.

    Flask-Limiter keeps its switch (RATELIMIT_ENABLED), its storage and its counters on the extension
    object, so one object shared by several apps (the tests make several) lets the last app's settings
    leak into the others. The views declare their limits here at import time, unchanged in form
    (`@limiter.limit(...)`, `limiter.shared_limit(...)`); `init_app`, called once the blueprints are
    registered, builds a fresh Limiter for the app and wraps that app's limited views with it.
    """

    def __init__(self, key_func: Callable[[], str]) -> None:
        self._key_func = key_func
        # Process-wide switch for scripts and benchmarks; each app's own switch is RATELIMIT_ENABLED.
        self.enabled = True

    def limit(self, *args, **kwargs) -> _Declared:
        return _Declared("limit", args, kwargs)

    def shared_limit(self, *args, **kwargs) -> _Declared:
        return _Declared("shared_limit", args, kwargs)

    def init_app(self, app: Flask) -> None:
        app_limiter = Limiter(key_func=self._key_func, default_limits=[])
        app_limiter.init_app(app)
        app_limiter.request_filter(lambda: not self.enabled)
        # The app keeps it alive: Flask-Limiter's limits hold only a weak reference to their limiter.
        app.extensions["motcua_limiter"] = app_limiter
        # One real limit per declaration, so that a shared limit stays one budget across its views.
        real: dict[_Declared, Callable] = {}
        for endpoint, view in list(app.view_functions.items()):
            declared = getattr(view, _DECLARED_LIMITS, ())
            for declaration in declared:
                if declaration not in real:
                    make = getattr(app_limiter, declaration.method)
                    real[declaration] = make(*declaration.args, **declaration.kwargs)
                view = real[declaration](view)
            if declared:
                app.view_functions[endpoint] = view


limiter = PerAppLimiter(key_func=get_remote_address)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite, the embedded default, enforces foreign keys only when asked, and by default makes
    readers wait for writers; WAL lets clerks read while one of them saves."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
