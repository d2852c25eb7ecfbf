"""Production refuses to start on development defaults; its cookies, pool and limiter settings; and the
rate limiter belongs to each app, so one app's settings never leak into another."""
import os

import pytest

from app import create_app
from config import ProductionConfig, TestConfig, engine_options

GOOD_SECRET = "9f" * 32


def production(**settings) -> type:
    # The test database, and no Redis: what is checked here is the refusal and the settings.
    defaults = {"SQLALCHEMY_DATABASE_URI": TestConfig.SQLALCHEMY_DATABASE_URI, "SECRET_KEY": GOOD_SECRET,
                "RATELIMIT_STORAGE_URI": "memory://"}
    return type("ProductionForTest", (ProductionConfig,), defaults | settings)


@pytest.mark.parametrize("secret", [None, "", "dev-only-not-secret", "ngan-qua"])
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production(SECRET_KEY=secret))


def test_production_refuses_to_start_without_a_database_url():
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(production(SQLALCHEMY_DATABASE_URI=None))


def test_production_cookies_travel_over_https_only_and_not_to_other_sites():
    config = create_app(production()).config
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["REMEMBER_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["PREFERRED_URL_SCHEME"] == "https"
    assert config["HSTS"] and config["TRUSTED_PROXIES"] == "127.0.0.1,::1"


@pytest.mark.skipif("RATELIMIT_STORAGE_URI" in os.environ, reason="the environment chooses the storage")
def test_production_shares_rate_limits_through_redis_by_default():
    assert ProductionConfig.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"
    # Redis down must not lock the desk out: each worker counts in memory meanwhile.
    assert ProductionConfig.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED


def test_a_postgresql_pool_checks_connections_and_renews_them():
    options = engine_options("postgresql+psycopg://motcua@127.0.0.1/motcua")
    assert options["pool_pre_ping"] is True
    assert options["pool_recycle"] > 0
    assert options["connect_args"]["connect_timeout"] <= 2 and options["pool_timeout"] <= 2
    # SQLite's pools take none of the sizing arguments.
    assert engine_options("sqlite:////tmp/x.sqlite3") == {"pool_pre_ping": True}


class ThrottledConfig(TestConfig):
    RATELIMIT_ENABLED = True
    LOGIN_LIMITS = "2 per minute"


def failed_logins(flask_app, count: int) -> list[int]:
    with flask_app.app_context():
        client = flask_app.test_client()
        return [client.post("/login", data={"username": "clerk.a", "password": "sai"}).status_code
                for _ in range(count)]


def test_an_app_with_limits_on_does_not_switch_them_on_in_another(app, world):
    throttled = create_app(ThrottledConfig)
    assert failed_logins(throttled, 3) == [422, 422, 429]
    # The session's app was made with limits off and stays so; a new app without limits too.
    assert failed_logins(app, 4) == [422] * 4
    assert failed_logins(create_app("test"), 4) == [422] * 4


def test_two_apps_count_separately(app, world):
    first, second = create_app(ThrottledConfig), create_app(ThrottledConfig)
    assert failed_logins(first, 3) == [422, 422, 429]
    assert failed_logins(second, 1) == [422]
