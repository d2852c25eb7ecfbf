"""The password policy: long enough, not blank, not the username, not a common password (pure logic).

Length over composition rules, and a check against passwords known to be common, as NIST SP 800-63B
(5.1.1.2) recommends. The common passwords are the 30,000 of the list shipped with zxcvbn (Dropbox's
strength estimator, built from leaked-password corpora), not a list typed here.
"""
import re
from functools import cache

MIN_LENGTH = 12
MAX_LENGTH = 200
# A common password counts even with digits or symbols around it ("matkhau2026!"), as long as the
# common part is long enough to be a word and not a coincidence.
_SURROUNDING = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$")
_MIN_COMMON_CORE = 4


@cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str = "") -> str | None:
    """What is wrong with `password` for the account `username`, in Vietnamese, or None if it is acceptable."""
    if not password or not password.strip():
        return "Mật khẩu không được để trống hoặc chỉ gồm dấu cách."
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự."
    if len(password) > MAX_LENGTH:
        return f"Mật khẩu không quá {MAX_LENGTH} ký tự."
    lowered = password.lower()
    name = (username or "").strip().lower()
    # A name of one or two letters inside a long password is chance, not a weakness.
    if name and (lowered == name or (len(name) >= 3 and name in lowered)):
        return "Mật khẩu không được trùng hoặc chứa tên đăng nhập."
    core = _SURROUNDING.match(lowered).group(1)
    if lowered in common_passwords() or (len(core) >= _MIN_COMMON_CORE and core in common_passwords()):
        return "Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác."
    if len(set(lowered)) <= 2:
        return "Mật khẩu không được chỉ lặp lại một vài ký tự."
    return None
