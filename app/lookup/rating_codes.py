"""The citizen's rating code: drawn when the result is handed over, shown once, kept only as a keyed hash.

The lookup PIN is printed on the receipt, which passes through the clerk's hands and can be printed
again at any time, so it cannot prove that the citizen is the one rating. The rating code is drawn
at the moment the result is returned, shown once on the screen for the clerk to hand to the citizen
with the result, and never stored: the database keeps an HMAC of it under the app's SECRET_KEY, so
neither a later visit to the dossier nor a copy of the database can give it back.
"""
import hashlib
import hmac
import secrets

from flask import current_app

from app.dossiers.models import Dossier

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud or copied by hand without mistakes.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 8  # 25⁸ ≈ 1.5 · 10¹¹ codes: out of reach of the lookup's budget of wrong tries


def _digest(dossier_code: str, rating_code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{dossier_code}\n{rating_code}".encode(), hashlib.sha256).hexdigest()


def normalised(typed: str) -> str:
    """The code as typed, without spaces or dashes, in capitals ("k7p3 9qxm" → "K7P39QXM")."""
    return "".join(character for character in (typed or "").upper() if character.isalnum())[:LENGTH * 2]


def issue_rating_code(dossier: Dossier) -> str:
    """Draw the dossier's rating code, keep its hash and return it (the only time it exists in clear)."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    dossier.rating_code_hash = _digest(dossier.code, code)
    return code


def shown(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def rating_code_matches(dossier: Dossier, typed: str) -> bool:
    if not dossier.rating_code_hash:
        return False
    return hmac.compare_digest(dossier.rating_code_hash, _digest(dossier.code, normalised(typed)))
