"""Settings, read from the environment; the defaults give a working SQLite desk on a laptop."""
import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'motcua.sqlite3'}")
    # Plain postgresql:// URLs should use psycopg 3, the driver we ship.
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _engine_options(url: str) -> dict:
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        options |= {
            "pool_size": int(os.environ.get("DB_POOL_SIZE", "5")),
            "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "5")),
            "pool_recycle": 1800,
            "pool_timeout": 10,
            "connect_args": {"connect_timeout": 5},
        }
    return options


_DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Times are shown and stored as wall-clock time of this zone (Vietnam has no DST).
    TIMEZONE = "Asia/Ho_Chi_Minh"
    # Office hours of the desks, "HH:MM-HH:MM,..." Monday to Friday (DOMAIN.md "The clock").
    OFFICE_HOURS = os.environ.get("OFFICE_HOURS", "08:00-12:00,13:00-17:00")
    # What a supplement request does to the clock: "pause" or "restart" (DOMAIN.md).
    SUPPLEMENT_RULE = os.environ.get("SUPPLEMENT_RULE", "pause")
    # Working days within which feedback (phản ánh, kiến nghị) is answered: app/feedback/rules.py.
    FEEDBACK_ANSWER_DAYS = int(os.environ.get("FEEDBACK_ANSWER_DAYS", "10"))
    # 15: government reporting periods (Decree 09/2019); 1: calendar periods.
    REPORT_CUTOFF_DAY = int(os.environ.get("REPORT_CUTOFF_DAY", "15"))
    # A period's report is due at the higher unit this many working days after the period's last day
    # (app/reports/submission_rules.py). A default to confirm against the province's reporting regime.
    REPORT_SUBMIT_DAYS = int(os.environ.get("REPORT_SUBMIT_DAYS", "2"))

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
    # Failed sign-ins (app/auth/throttling.py): per address, whatever the account...
    LOGIN_LIMITS = os.environ.get("LOGIN_LIMITS", "10 per minute;50 per hour")
    # ...per account from addresses it never signed in from (high: it must not deny the real user)...
    LOGIN_ACCOUNT_LIMITS = os.environ.get("LOGIN_ACCOUNT_LIMITS", "100 per hour;500 per day")
    LOGIN_KNOWN_ADDRESS_DAYS = 90
    # ...and per (address, account): 4 free failures, then 30 s, 1 min, 2 min, … up to 1 hour.
    LOGIN_FREE_FAILURES = 5
    LOGIN_FIRST_DELAY = 30
    LOGIN_MAX_DELAY = 3600
    # The public lookup, per address: a 6-digit PIN must not be guessable by trying them all.
    LOOKUP_LIMITS = os.environ.get("LOOKUP_LIMITS", "20 per minute;200 per hour")
    # Wrong PINs (or rating codes) per dossier code, whatever the address; then its lookup is locked.
    LOOKUP_CODE_LIMITS = os.environ.get("LOOKUP_CODE_LIMITS", "10 per day")

    # Security headers (app/security.py): HSTS only where TLS is certain; the addresses of the proxies
    # whose X-Forwarded-For/-Proto are believed ("" when the app faces browsers itself, as in development).
    HSTS = False
    TRUSTED_PROXIES = ""

    TEMPLATES_STRICT = False

    # Digitisation (app/digitisation, README "Digitisation"): scanned documents and results, stored once by
    # content hash. Several app servers must share this folder (an NFS or similar mount, the same path).
    FILES_DIR = os.environ.get("FILES_DIR", str(INSTANCE_DIR / "files"))
    SCAN_MAX_BYTES = int(os.environ.get("SCAN_MAX_BYTES", str(10 * 1024 * 1024)))
    # A4 at 600 dpi is 35 million pixels; beyond 40 million a scan is refused before it is decoded.
    SCAN_MAX_PIXELS = int(os.environ.get("SCAN_MAX_PIXELS", "40000000"))
    # What a PDF's compressed streams may inflate to, all together (a small file must not expand to gigabytes).
    SCAN_MAX_EXPANDED_BYTES = int(os.environ.get("SCAN_MAX_EXPANDED_BYTES", str(200 * 1024 * 1024)))
    SCAN_MAX_PAGES = 500
    # Electronic results are signed (PAdES) with the unit's PKCS#12 certificate: RESULT_SIGNING_DIR/<unit
    # code>.p12 if present, else RESULT_SIGNING_PKCS12; both opened with RESULT_SIGNING_PASSWORD.
    RESULT_SIGNING_DIR = os.environ.get("RESULT_SIGNING_DIR", str(INSTANCE_DIR / "certs"))
    RESULT_SIGNING_PKCS12 = os.environ.get("RESULT_SIGNING_PKCS12", "")
    RESULT_SIGNING_PASSWORD = os.environ.get("RESULT_SIGNING_PASSWORD", "")
    # Extra trusted root certificates (PEM or DER files, comma-separated) for `flask results verify`; the CA
    # certificates inside the configured PKCS#12 files are trusted as well.
    RESULT_TRUST_ROOTS = os.environ.get("RESULT_TRUST_ROOTS", "")

    # Werkzeug's default (scrypt) in production; tests use a cheap method to stay fast.
    PASSWORD_HASH_METHOD = "scrypt"

    @staticmethod
    def check(config) -> None:
        """Refuse to start on settings this environment cannot run with (create_app calls it)."""


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
    # Long papers: the tests run app.reports.jobs.run_pending themselves instead of a background thread.
    PAPER_JOBS_THREAD = False
    PAPERS_DIR = os.path.join(tempfile.gettempdir(), f"motcua-test-papers-{os.getpid()}")
    FILES_DIR = os.path.join(tempfile.gettempdir(), f"motcua-test-files-{os.getpid()}")
    RESULT_SIGNING_DIR = os.path.join(tempfile.gettempdir(), f"motcua-test-certs-{os.getpid()}")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # `flask demo load` in tests: a few dossiers a week keep them fast (the default is a busy desk).
    DEMO_DOSSIERS_PER_DAY = 0.3


class ProductionConfig(Config):
    """Gunicorn behind the office's TLS proxy, PostgreSQL, Redis (README "Production").

    Nothing here falls back to a development value: `check` refuses to start without them.
    """

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url() if os.environ.get("DATABASE_URL") else None
    # Reconnect by itself after PostgreSQL restarts: pre-ping throws away a dead pooled connection
    # before a request uses it; recycling bounds a connection's age under firewalls that drop idle
    # ones; connect_timeout makes a request wait 5 s, not minutes, while the server is unreachable
    # (the request then gets the 503 page). Per worker process: workers × (pool_size + max_overflow)
    # must stay under PostgreSQL's max_connections (100 by default).
    SQLALCHEMY_ENGINE_OPTIONS = _engine_options(SQLALCHEMY_DATABASE_URI or "")

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "https"
    # Strict-Transport-Security on every answer: browsers then refuse plain HTTP for a year.
    HSTS = SESSION_COOKIE_SECURE
    # Addresses (or networks) of the reverse proxies in front of gunicorn whose X-Forwarded-For/-Proto
    # are believed; from any other address they are dropped, so a client that reaches gunicorn
    # directly cannot choose its address. The rate limits key on the client's address: without a
    # trusted proxy every citizen behind nginx would share the proxy's one budget.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")

    # Shared by every worker and every app server; a key prefix keeps a shared Redis tidy.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    RATELIMIT_KEY_PREFIX = "motcua"
    # Redis down must not lock clerks out: count in each worker's memory until it is back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    @staticmethod
    def check(config) -> None:
        problems = []
        secret = config.get("SECRET_KEY") or ""
        if len(secret) < 32 or secret == _DEV_SECRET_KEY:
            problems.append("SECRET_KEY (ít nhất 32 ký tự, ví dụ: python3 -c 'import secrets; "
                            "print(secrets.token_hex(32))'; giống nhau trên mọi máy chủ ứng dụng)")
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            problems.append("DATABASE_URL (ví dụ: postgresql://motcua:MẬT_KHẨU@127.0.0.1:5432/motcua)")
        if problems:
            raise RuntimeError("Chưa đặt biến môi trường bắt buộc khi chạy thật (APP_ENV=production): "
                               + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
