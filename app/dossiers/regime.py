"""Which legal regime and which set of forms a dossier falls under, by the day it was received.

Pure logic. Two dates, kept apart because two texts set them:

- the *legal regime* (who receives, the desk's name, the one-stop rules) changed on 1 Jul 2025 with
  Decree 118/2025/NĐ-CP;
- the *forms* the desk prints changed on 15 Sep 2025 with Circular 03/2025/TT-VPCP.

A dossier received between the two falls under Decree 118 but was still received on the forms of
Circular 01/2018/TT-VPCP (DOMAIN.md "Legal regime").
"""
from datetime import date

LEGAL_REGIME_FROM = date(2025, 7, 1)
"""First day of Decree 118/2025/NĐ-CP (signed 9 Jun 2025, in force 1 Jul 2025), which replaces Decree
61/2018/NĐ-CP (amended by Decree 107/2021/NĐ-CP): from this day a commune's or ward's one-stop desk is its
*Trung tâm Phục vụ hành chính công*; before it, its *Bộ phận Tiếp nhận và Trả kết quả*."""

NEW_FORMS_FROM = date(2025, 9, 15)
"""First day of Circular 03/2025/TT-VPCP (signed 15 Sep 2025 and applied from that day), appendix I,
Mẫu số 01–07: dossiers received from this day print its forms; dossiers received before it print the
forms of Circular 01/2018/TT-VPCP (Mẫu số 01–06)."""


def is_new_legal_regime(received_on: date) -> bool:
    """Decree 118/2025/NĐ-CP applies to a dossier received on `received_on` (from 1 Jul 2025 inclusive)."""
    return received_on >= LEGAL_REGIME_FROM


def uses_new_forms(received_on: date) -> bool:
    """A dossier received on `received_on` prints Circular 03/2025/TT-VPCP's forms (from 15 Sep 2025 inclusive)."""
    return received_on >= NEW_FORMS_FROM
