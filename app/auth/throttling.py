"""Slowing password guessing without letting anyone lock a colleague out.

Three counts of failed sign-ins, as login libraries that are kept well do it (django-axes locks the
(username, address) pair, not the account; OWASP's authentication cheat sheet warns that locking the
account lets anyone deny it):
- per (address, account) pair: the first LOGIN_FREE_FAILURES − 1 failures cost nothing, then each
  earns a wait that doubles (LOGIN_FIRST_DELAY seconds, up to LOGIN_MAX_DELAY); a success clears it;
- per address, whatever the account (LOGIN_LIMITS): one machine cannot try many accounts;
- per account, whatever the address (LOGIN_ACCOUNT_LIMITS, high): stops a guesser spread over many
  addresses, but never an address the account has signed in from before (LOGIN_KNOWN_ADDRESS_DAYS),
  so the real user at their own desk still gets in while the account is under attack.
"""
import math

from flask import current_app

from app import attempts


def wait_before_attempt(address: str, username: str) -> float:
    """Seconds this address must wait before it may try this account again (0: it may try now)."""
    config = current_app.config
    waits = [
        attempts.blocked_for("login-pair", address, username),
        attempts.wait_for_limits(config["LOGIN_LIMITS"], "login-address", address),
    ]
    if not attempts.remembered("login-known", username, address):
        waits.append(attempts.wait_for_limits(config["LOGIN_ACCOUNT_LIMITS"], "login-account", username))
    return max(waits)


def count_failure(address: str, username: str) -> None:
    config = current_app.config
    attempts.fail_with_growing_delay("login-pair", address, username, free=config["LOGIN_FREE_FAILURES"],
                                     first_delay=config["LOGIN_FIRST_DELAY"], max_delay=config["LOGIN_MAX_DELAY"],
                                     memory=24 * 3600)
    attempts.count_against_limits(config["LOGIN_LIMITS"], "login-address", address)
    attempts.count_against_limits(config["LOGIN_ACCOUNT_LIMITS"], "login-account", username)


def count_success(address: str, username: str) -> None:
    attempts.forget("login-pair", address, username)
    attempts.remember("login-known", username, address,
                      seconds=current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"] * 24 * 3600)


def wait_message(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."
