"""The digitisation columns (issue 14): a stored file shared by a scanned document and a result, a
document reusing another's scan, on the migrated schema of both databases."""
from datetime import datetime

import pytest
from sqlalchemy.exc import IntegrityError

from app.digitisation.models import ResultForm, StoredFile
from app.dossiers.models import CopyKind, DossierDocument
from app.extensions import db
from app.worktime.deadlines import TimeUnit
from conftest import World
from tests.web.test_dossier_operations import make_offering, register

AT = datetime(2026, 3, 2, 9, 0)


def test_a_stored_file_is_shared_by_a_scanned_document_and_a_result_and_a_reuse_points_at_its_source(world: World):
    offering = make_offering(world.ward_a, "1.000001", 5, TimeUnit.WORKING_DAYS)
    first = register(offering, AT)
    second = register(offering, AT.replace(day=3))
    stored = StoredFile(sha256="a" * 64, size_bytes=10, media_type="application/pdf", original_name="cccd.pdf",
                        created_at=AT, created_by_id=world.user("clerk").id)
    db.session.add(stored)
    source = DossierDocument(dossier=first, position=1, name="CCCD", copy_kind=CopyKind.COPY,
                             digitised_at=AT, scan_file=stored)
    reuse = DossierDocument(dossier=second, position=1, name="CCCD", copy_kind=CopyKind.COPY,
                            digitised_at=AT.replace(day=3), scan_file=stored, reused_from=source)
    first.result_form, first.result_file = ResultForm.DIGITISED, stored
    db.session.add_all([source, reuse])
    db.session.commit()
    db.session.expire_all()

    reused = db.session.get(DossierDocument, reuse.id)
    assert reused.is_digitised and reused.reused_from.dossier_id == first.id
    assert reused.scan_file.sha256 == first.result_file.sha256 == "a" * 64
    assert first.result_form == "digitised"


def test_one_row_per_content_hash(world: World):
    for _ in range(2):
        db.session.add(StoredFile(sha256="b" * 64, size_bytes=1, media_type="image/png", original_name="",
                                  created_at=AT))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_document_imported_as_digitised_needs_no_file(world: World):
    offering = make_offering(world.ward_a, "1.000002", 5, TimeUnit.WORKING_DAYS)
    dossier = register(offering, AT)
    db.session.add(DossierDocument(dossier=dossier, position=1, name="Tờ khai", copy_kind=CopyKind.ORIGINAL,
                                   digitised_at=AT))
    db.session.commit()
    assert dossier.documents[0].is_digitised and dossier.documents[0].scan_file is None
