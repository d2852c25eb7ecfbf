"""The register's optional fee columns: read, checked by line and column, stored with a payment event,
exported and imported back unchanged; a file without them still imports."""
import csv

import pytest
from sqlalchemy import select

from app.dossiers.models import PAYMENT_ACTION, Dossier, DossierEvent, PaymentMethod
from app.dossiers.register_format import COLUMNS, PAYMENT_COLUMNS
from app.extensions import db
from app.importing import ImportFileError
from test_register_io import GOOD, WARD_A, database_contents, export_rows, import_file, register  # noqa: F401

HEADER = ",".join([*COLUMNS, *PAYMENT_COLUMNS])
PAID = dict(GOOD[0], fee_due="8000", fee_paid="8000", payment_method="online", paid_at="2025-04-25T08:40",
            receipt_number="BL 25-0001")


def write(tmp_path, rows, name="register-fees.csv"):
    path = tmp_path / name
    lines = [",".join(row.get(column, "") for column in [*COLUMNS, *PAYMENT_COLUMNS]) for row in rows]
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def test_the_fee_columns_are_stored_with_a_payment_event_and_export_back(app, register, tmp_path):
    assert import_file(write(tmp_path, [PAID, *GOOD[1:]]))["created"] == len(GOOD)
    dossier = db.session.scalar(select(Dossier).where(Dossier.applicant_name == PAID["applicant_name"]))
    assert (dossier.fee_due, dossier.fee_paid, dossier.payment_method, dossier.receipt_number) == (
        8000, 8000, PaymentMethod.ONLINE, "BL 25-0001")
    events = db.session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                                .order_by(DossierEvent.id)).all()
    # Paid online before the desk received it: the payment follows the receipt, one version step each.
    assert [e.action for e in events][:2] == ["receive", PAYMENT_ACTION] and dossier.version == len(events)
    rows = {row["applicant_name"]: row for row in export_rows(app, tmp_path)}
    assert {column: rows[PAID["applicant_name"]][column] for column in PAYMENT_COLUMNS} == {
        "fee_due": "8000", "fee_paid": "8000", "payment_method": "online", "paid_at": "2025-04-25T08:40",
        "receipt_number": "BL 25-0001"}
    before = database_contents()
    # The export imports back unchanged; so does the first file, and one without the fee columns.
    exported = tmp_path / "export.csv"
    assert import_file(str(exported))["unchanged"] == len(GOOD)
    assert import_file(write(tmp_path, [PAID, *GOOD[1:]]))["unchanged"] == len(GOOD)
    assert database_contents() == before


@pytest.mark.parametrize("cells, column, message", [
    ({"fee_paid": "8.000"}, "fee_paid", "không phải số tiền"),
    ({"fee_paid": "9000"}, "fee_paid", "lớn hơn số phải nộp"),
    ({"fee_paid": "99999999999"}, "fee_paid", "quá 1.000.000.000"),
    ({"payment_method": "bitcoin"}, "payment_method", "không hợp lệ"),
    ({"payment_method": ""}, "payment_method", "thiếu hình thức nộp"),
    ({"paid_at": ""}, "paid_at", "thiếu thời điểm nộp"),
    ({"paid_at": "2025-13-01T08:00"}, "paid_at", "không phải thời điểm có thật"),
    ({"paid_at": "2025-01-01T08:00"}, "paid_at", "trước ngày tiếp nhận quá 30 ngày"),
    ({"fee_paid": ""}, "fee_paid", "thiếu số tiền đã nộp"),
    ({"receipt_number": "x" * 41}, "receipt_number", "40 ký tự"),
])
def test_a_wrong_fee_cell_is_named_by_line_and_column_and_nothing_is_written(app, register, tmp_path, cells, column,
                                                                             message):
    before = database_contents()
    with pytest.raises(ImportFileError) as raised:
        import_file(write(tmp_path, [dict(PAID, **cells)]))
    assert [(p.line, p.field) for p in raised.value.problems] == [(2, column)]
    assert message in str(raised.value.problems[0])
    assert database_contents() == before


def test_a_stored_payment_is_never_imported_over(app, register, tmp_path):
    import_file(write(tmp_path, [PAID]))
    with pytest.raises(ImportFileError) as raised:
        import_file(write(tmp_path, [dict(PAID, payment_method="cash")], name="other.csv"))
    assert [(p.line, p.field) for p in raised.value.problems] == [(2, "payment_method")]
