"""The register's optional digitisation columns (issue 14): documents received and digitised at receipt,
the result's form — read on import, written on export, round-tripped, refused when they contradict."""
import pytest
from sqlalchemy import func, select

from app.dossiers.models import Dossier, DossierDocument
from app.dossiers.register_format import COLUMNS, DIGITISATION_COLUMNS
from app.extensions import db
from app.importing import ImportFileError
from test_register_io import GOOD, WARD_A, export_rows, import_file, register  # noqa: F401 - fixture by name

HEADER = ",".join([*COLUMNS, *DIGITISATION_COLUMNS])


def write(tmp_path, rows, name="register.csv"):
    lines = [",".join(row.get(column, "") for column in [*COLUMNS, *DIGITISATION_COLUMNS]) for row in rows]
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def with_digitisation(rows):
    """GOOD with digitisation: line 2 (approved) 3 documents, 2 digitised, an electronic result; line 3
    (refused) 1 document digitised with no count of documents, a paper result; the others say nothing."""
    rows = [dict(row) for row in rows]
    rows[0].update(documents_received="3", documents_digitised="2", result_form="electronic")
    rows[1].update(documents_digitised="1", result_form="paper")
    return rows


def test_the_digitisation_columns_are_stored_and_exported_back(app, register, tmp_path):
    assert import_file(write(tmp_path, with_digitisation(GOOD)))["created"] == 7
    an = db.session.scalar(select(Dossier).where(Dossier.applicant_name == "Nguyễn Văn An"))
    assert [(d.name, d.digitised_at) for d in an.documents] == [
        ("Giấy tờ 1 (theo sổ)", an.received_at), ("Giấy tờ 2 (theo sổ)", an.received_at), ("Giấy tờ 3 (theo sổ)", None)]
    assert an.result_form == "electronic" and an.result_file is None
    binh = db.session.scalar(select(Dossier).where(Dossier.applicant_name == "Trần Thị Bình"))
    assert [d.digitised_at is not None for d in binh.documents] == [True] and binh.result_form == "paper"
    assert db.session.scalar(select(func.count()).select_from(DossierDocument)) == 4

    rows = {row["applicant_name"]: row for row in export_rows(app, tmp_path)}
    assert [rows["Nguyễn Văn An"][c] for c in DIGITISATION_COLUMNS] == ["3", "2", "electronic"]
    assert [rows["Trần Thị Bình"][c] for c in DIGITISATION_COLUMNS] == ["1", "1", "paper"]
    assert [rows["Lê Văn Cường"][c] for c in DIGITISATION_COLUMNS] == ["", "", ""]
    # The export imports back unchanged; the original file too.
    assert import_file(tmp_path / "export.csv") == {"created": 0, "unchanged": 7, "codes_assigned": 0}
    assert import_file(write(tmp_path, with_digitisation(GOOD), "again.csv"))["unchanged"] == 7


@pytest.mark.parametrize("cells, column, message", [
    ({"documents_received": "2", "documents_digitised": "3"}, "documents_digitised", "lớn hơn số giấy tờ tiếp nhận"),
    ({"documents_received": "-1"}, "documents_received", "không phải số giấy tờ"),
    ({"documents_digitised": "nhiều"}, "documents_digitised", "không phải số giấy tờ"),
    ({"documents_received": "201"}, "documents_received", "không phải số giấy tờ"),
    ({"result_form": "fax"}, "result_form", "không hợp lệ"),
])
def test_a_digitisation_cell_that_cannot_be_is_refused_by_line_and_column(register, tmp_path, cells, column, message):
    rows = [dict(GOOD[0], **cells)]
    with pytest.raises(ImportFileError) as refused:
        import_file(write(tmp_path, rows))
    assert [(p.line, p.field) for p in refused.value.problems] == [(2, column)]
    assert message in refused.value.problems[0].message
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0


def test_a_result_form_needs_a_result(register, tmp_path):
    open_dossier = next(row for row in GOOD if not row.get("outcome"))
    with pytest.raises(ImportFileError) as refused:
        import_file(write(tmp_path, [dict(open_dossier, result_form="digitised")]))
    assert "chỉ ghi hình thức kết quả" in refused.value.problems[0].message


def test_a_stored_dossier_is_not_given_other_digitisation_counts_by_a_later_file(register, tmp_path):
    import_file(write(tmp_path, with_digitisation(GOOD)))
    changed = with_digitisation(GOOD)
    changed[0]["documents_digitised"] = "3"
    with pytest.raises(ImportFileError) as refused:
        import_file(write(tmp_path, changed, "changed.csv"))
    assert [(p.line, p.field) for p in refused.value.problems] == [(2, "documents_digitised")]
