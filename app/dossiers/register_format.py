"""The register of dossiers (sổ theo dõi hồ sơ) as a file: its columns and how times are written.

The register is one of the desk's forms (Circular 01/2018/TT-VPCP, kept by Circular 03/2025/TT-VPCP):
one row per dossier with its receipt, due and return times. `register_reading` reads and checks a
file, `register_writing` stores its dossiers, `register_export` writes the stored ones back.

Decisions the file format leaves open:
- A dossier is never overwritten: a row whose dossier exists with other content is refused as a
  conflict (dossiers change only through their events). Rows are matched by code, or when the code
  is blank by (unit, procedure, applicant name, receipt minute).
- Times are compared to the minute, the precision of the file: a dossier registered at the desk at
  10:15:42 exports as 10:15 and re-imports unchanged.
- An open dossier is `awaiting_supplement` while a supplement is requested and not received,
  `in_progress` after a supplement arrived, else `received`: the state its events lead to (the
  register does not record the hand-over to the processing office, so no such event is invented).
- The fee columns (`PAYMENT_COLUMNS`) are optional: a file without them, or with a blank cell, states
  nothing about the payment (a blank `fee_due` takes the catalog's fee for the channel). A paid row
  gets a payment event at `paid_at`, as the desk's "Ghi phí, lệ phí" writes one.
- The digitisation columns (`DIGITISATION_COLUMNS`) are optional too: `documents_received` documents
  are stored as "Giấy tờ k (theo sổ)", the first `documents_digitised` of them digitised at the receipt
  time without a file (the register names no file); a blank `documents_received` is taken as
  `documents_digitised`. `result_form` needs an outcome approved or refused.
- The register does not date an apology: it is stored approved, with the import time as its request
  and approval time, and without an event (an event would claim a time nobody recorded).
"""
from datetime import datetime

COLUMNS = ["code", "unit_code", "procedure_code", "channel", "online_kind", "applicant_name", "received_at",
           "due_at", "supplement_requested_at", "supplement_received_at", "finished_at", "outcome", "returned_at",
           "apology_new_due_at"]
# Optional: the fee and its payment (amounts in whole đồng; method cash | transfer | online).
PAYMENT_COLUMNS = ["fee_due", "fee_paid", "payment_method", "paid_at", "receipt_number"]
# Optional: digitisation (Decision 766/QĐ-TTg) — documents received, how many of them digitised at
# receipt, and the result's form (paper | digitised | electronic).
DIGITISATION_COLUMNS = ["documents_received", "documents_digitised", "result_form"]
OPTIONAL_COLUMNS = [*PAYMENT_COLUMNS, *DIGITISATION_COLUMNS]
# Written by the export and accepted (then ignored: it is recomputed) by the import, so that an
# exported file imports back as it is.
CLASSIFICATION = "classification"
EXPORT_COLUMNS = [*COLUMNS, *OPTIONAL_COLUMNS, CLASSIFICATION]
TIME_COLUMNS = ("received_at", "due_at", "supplement_requested_at", "supplement_received_at", "finished_at",
                "returned_at", "apology_new_due_at")
TIME_FORMAT = "%Y-%m-%dT%H:%M"
OPEN = "open"  # the classification of a dossier not yet resolved
CHUNK_SIZE = 1000  # rows per INSERT and per fetch from the database


def format_time(moment: datetime | None) -> str:
    return moment.strftime(TIME_FORMAT) if moment is not None else ""


def format_amount(amount) -> str:
    """Whole đồng without separators ("70000"), blank when unknown: what the import reads back."""
    return str(int(amount)) if amount is not None else ""
