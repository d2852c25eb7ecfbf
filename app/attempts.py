"""Counting failed attempts (sign-ins, lookup PINs) in the rate-limit storage, and the waits they earn.

The counts live where Flask-Limiter keeps its own (RATELIMIT_STORAGE_URI: Redis in production, so that
every worker and app server shares them; memory in development and tests). Redis down must not lock
anyone out nor answer 500: the counts then go on in this process's memory until it is back.
"""
import logging
import time

from flask import current_app
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from app.extensions import limiter as per_app_limiter

log = logging.getLogger(__name__)

_fallback_storage = MemoryStorage()
_fallback_limiter = FixedWindowRateLimiter(_fallback_storage)


def growing_delay(failures: int, free: int, first_delay: float, max_delay: float) -> float:
    """Seconds to wait after `failures` failures in a row: none for the first `free - 1`, then
    `first_delay`, doubling with each further failure, never more than `max_delay`."""
    if failures < free:
        return 0.0
    return float(min(first_delay * 2 ** (failures - free), max_delay))


def enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True)) and per_app_limiter.enabled


def _backends():
    extension = current_app.extensions["motcua_limiter"]
    return extension.storage, extension.limiter


def _with_fallback(operation):
    """Run `operation(storage, strategy)` on the shared storage, or on this process's memory if it fails."""
    try:
        return operation(*_backends())
    except Exception as error:  # any client error of any storage backend: keep counting, here
        log.warning("Không đếm được lần thử trong kho dùng chung, tạm đếm trong bộ nhớ: %s", error)
        return operation(_fallback_storage, _fallback_limiter)


def _key(*parts: str) -> str:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "motcua"
    return ":".join((prefix, "attempts", *parts))


def wait_for_limits(limits: str, *identifiers: str) -> float:
    """Seconds until every limit of `limits` ("10 per minute;50 per hour") allows one more for these
    identifiers; 0 when none is spent."""
    if not enabled():
        return 0.0

    def measure(storage, strategy) -> float:
        waits = [strategy.get_window_stats(item, _key(*identifiers)).reset_time - time.time()
                 for item in parse_many(limits) if not strategy.test(item, _key(*identifiers))]
        return max(waits, default=0.0)

    return max(_with_fallback(measure), 0.0)


def count_against_limits(limits: str, *identifiers: str) -> None:
    if enabled():
        _with_fallback(lambda storage, strategy: [strategy.hit(item, _key(*identifiers))
                                                  for item in parse_many(limits)])


def blocked_for(*identifiers: str) -> float:
    """Seconds left of the wait that `fail_with_growing_delay` set for these identifiers (0: none)."""
    if not enabled():
        return 0.0

    def remaining(storage, strategy) -> float:
        block = _key(*identifiers, "block")
        return max(storage.get_expiry(block) - time.time(), 0.0) if storage.get(block) else 0.0

    return _with_fallback(remaining)


def fail_with_growing_delay(*identifiers: str, free: int, first_delay: float, max_delay: float,
                            memory: float) -> float:
    """Count one failure; returns (and sets) the wait it earns. Failures are forgotten `memory` seconds
    after the first of them, or by `forget`."""
    if not enabled():
        return 0.0

    def fail(storage, strategy) -> float:
        failures = storage.incr(_key(*identifiers, "failures"), memory)
        delay = growing_delay(failures, free, first_delay, max_delay)
        if delay:
            block = _key(*identifiers, "block")
            storage.clear(block)
            storage.incr(block, delay)
        return delay

    return _with_fallback(fail)


def forget(*identifiers: str) -> None:
    if enabled():
        _with_fallback(lambda storage, strategy: [storage.clear(_key(*identifiers, suffix))
                                                  for suffix in ("failures", "block")])


def remember(*identifiers: str, seconds: float) -> None:
    """Note that something happened (an address signed in to an account), for `seconds`."""
    if enabled():
        def note(storage, strategy):
            storage.clear(_key(*identifiers, "seen"))
            storage.incr(_key(*identifiers, "seen"), seconds)

        _with_fallback(note)


def remembered(*identifiers: str) -> bool:
    return enabled() and bool(_with_fallback(lambda storage, strategy: storage.get(_key(*identifiers, "seen"))))
