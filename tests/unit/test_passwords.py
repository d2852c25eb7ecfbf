"""The password policy and the growing waits between failed sign-ins, as tables."""
import pytest

from app.attempts import growing_delay
from app.auth.passwords import common_passwords, password_problem


@pytest.mark.parametrize(("password", "username", "problem"), [
    ("", "chair.a", "để trống"),
    (" " * 14, "chair.a", "để trống"),
    ("\t\n   \u00a0  \u3000   ", "chair.a", "để trống"),
    ("ngan-qua", "chair.a", "ít nhất 12"),
    ("x" * 201, "chair.a", "không quá 200"),
    ("chair.a.2026!!", "chair.a", "tên đăng nhập"),
    ("CHAIR.A-mat-khau", "chair.a", "tên đăng nhập"),
    ("123qweasdzxc", "chair.a", "phổ biến"),
    ("Password123456", "chair.a", "phổ biến"),
    ("matkhau2026!!", "chair.a", "phổ biến"),
    ("!!iloveyou!!2026", "chair.a", "phổ biến"),
    ("aaaaaaaaaaaaaa", "chair.a", "lặp lại"),
    ("abababababab", "chair.a", "lặp lại"),
])
def test_a_weak_password_is_refused_with_a_vietnamese_reason(password, username, problem):
    assert problem in (password_problem(password, username) or "")


@pytest.mark.parametrize(("password", "username"), [
    ("mat-khau-thu", "clerk.a"),           # the tests' own accounts (conftest.PASSWORD)
    ("thu-nghiem-mot-cua", "admin"),       # the demo's (app/demo/cli.py)
    ("Mùa thu Hà Nội 1945", "chair.a"),
    ("ngựa-vằn-ăn-cỏ-xanh", "x"),          # a one-letter username inside a long password is chance
])
def test_a_long_uncommon_password_is_accepted(password, username):
    assert password_problem(password, username) is None


def test_the_common_passwords_come_from_a_kept_library_not_from_this_code():
    common = common_passwords()
    assert len(common) >= 10_000 and {"123456", "password", "matkhau", "iloveyou"} <= common


@pytest.mark.parametrize(("failures", "wait"), [
    (1, 0), (4, 0), (5, 30), (6, 60), (7, 120), (10, 960), (12, 3600), (40, 3600),
])
def test_each_failure_after_the_free_ones_doubles_the_wait_up_to_an_hour(failures, wait):
    assert growing_delay(failures, free=5, first_delay=30, max_delay=3600) == wait
