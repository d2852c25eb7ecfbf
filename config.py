"""Settings, read from the environment; the defaults give a working SQLite desk on a laptop."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'motcua.sqlite3'}")
    # Plain postgresql:// URLs should use psycopg 3, the driver we ship.
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Times are shown and stored as wall-clock time of this zone (Vietnam has no DST).
    TIMEZONE = "Asia/Ho_Chi_Minh"
    # Office hours of the desks, "HH:MM-HH:MM,..." Monday to Friday (DOMAIN.md "The clock").
    OFFICE_HOURS = os.environ.get("OFFICE_HOURS", "08:00-12:00,13:00-17:00")
    # What a supplement request does to the clock: "pause" or "restart" (DOMAIN.md).
    SUPPLEMENT_RULE = os.environ.get("SUPPLEMENT_RULE", "pause")
    # 15: government reporting periods (Decree 09/2019); 1: calendar periods.
    REPORT_CUTOFF_DAY = int(os.environ.get("REPORT_CUTOFF_DAY", "15"))

    ITEMS_PER_PAGE = 50
    # Uploads (index evidence, registers) are refused beyond this before they are read whole.
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024
    # A clerk may keep a form open all morning: the CSRF token lives as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    # Login throttling; production points this at Redis so that all app servers share counts.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMITS = os.environ.get("LOGIN_LIMITS", "10 per minute;50 per hour")
    # The public lookup, per address: a 6-digit PIN must not be guessable by trying them all.
    LOOKUP_LIMITS = os.environ.get("LOOKUP_LIMITS", "20 per minute;200 per hour")

    TEMPLATES_STRICT = False
    # Werkzeug's default (scrypt) in production; tests use a cheap method to stay fast.
    PASSWORD_HASH_METHOD = "scrypt"


class DevelopmentConfig(Config):
    TEMPLATES_STRICT = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    if SQLALCHEMY_DATABASE_URI.startswith("postgresql://"):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://" + SQLALCHEMY_DATABASE_URI.removeprefix(
            "postgresql://"
        )
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    TEMPLATES_STRICT = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # `flask demo load` in tests: a few dossiers a week keep them fast (the default is a busy desk).
    DEMO_DOSSIERS_PER_DAY = 0.3


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
