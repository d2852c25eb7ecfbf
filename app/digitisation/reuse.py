"""Reuse of a document already digitised for the same applicant (by CCCD): offered at the next intake
and on the dossier's page instead of a new scan; the new document points at its source, so reuse is
counted (`reused_from_id`), and shares its file.

Only dossiers the clerk may see are searched (their own ward's): the applicant's papers stay where the
citizen brought them.
"""
from datetime import datetime

from sqlalchemy import select

from app.dossiers.models import CopyKind, Dossier, DossierDocument
from app.extensions import db
from app.units.scope import visible
from app.vntext import fold

# At most this many of the applicant's earlier digitised documents are offered (newest first).
MAX_CANDIDATES = 50


def candidates(id_number: str, exclude_dossier_id: int | None = None) -> list[DossierDocument]:
    """The newest digitised document with a file for each distinct name, among the applicant's dossiers
    the current user may see."""
    if not id_number or len(id_number) != 12 or not id_number.isdigit():
        return []
    stmt = (select(DossierDocument).join(Dossier, Dossier.id == DossierDocument.dossier_id)
            .where(Dossier.applicant_id_number == id_number, DossierDocument.scan_file_id.is_not(None),
                   DossierDocument.digitised_at.is_not(None))
            .order_by(DossierDocument.digitised_at.desc(), DossierDocument.id.desc())
            .limit(MAX_CANDIDATES * 4))
    if exclude_dossier_id is not None:
        stmt = stmt.where(Dossier.id != exclude_dossier_id)
    seen, found = set(), []
    for document in db.session.scalars(visible(stmt, Dossier.unit_id)):
        key = fold(document.name)
        if key not in seen:
            seen.add(key)
            found.append(document)
    return found[:MAX_CANDIDATES]


def source_for(source_id: int, id_number: str) -> DossierDocument | None:
    """The document `source_id` if the current user may see it, it has a scan, and it is this applicant's."""
    stmt = (select(DossierDocument).join(Dossier, Dossier.id == DossierDocument.dossier_id)
            .where(DossierDocument.id == source_id, Dossier.applicant_id_number == id_number,
                   DossierDocument.scan_file_id.is_not(None)))
    return db.session.scalar(visible(stmt, Dossier.unit_id))


def reuse_into(document: DossierDocument, source: DossierDocument, now: datetime) -> None:
    """Mark `document` digitised with `source`'s scan (a reuse of the source, not a new scan)."""
    original = source.reused_from or source  # count reuse against the scan itself, not a chain
    document.reused_from = original
    document.scan_file = source.scan_file
    document.digitised_at = now


def apply_at_intake(dossier: Dossier, source_ids: list[int], id_number: str, now: datetime) -> int:
    """Reuse the chosen sources in the new dossier: into its checklist document of the same name, else as
    an added document; returns how many were reused. Sources not found (another applicant's, another
    ward's, not digitised) are skipped."""
    by_name = {fold(document.name): document for document in dossier.documents}
    reused = 0
    for source_id in dict.fromkeys(source_ids):
        source = source_for(source_id, id_number)
        if source is None:
            continue
        target = by_name.get(fold(source.name))
        if target is None:
            target = DossierDocument(position=len(dossier.documents) + 1, name=source.name,
                                     copy_kind=CopyKind(source.copy_kind), count=source.count)
            dossier.documents.append(target)
            by_name[fold(source.name)] = target
        if target.digitised_at is None:
            reuse_into(target, source, now)
            reused += 1
    return reused


def offered_for(dossier: Dossier, documents: list[DossierDocument]) -> dict[int, DossierDocument]:
    """For each of `documents` not yet digitised, the applicant's earlier scan of the same name, if any
    (one query for the whole dossier)."""
    waiting = [document for document in documents if document.digitised_at is None]
    if not waiting:
        return {}
    by_name = {fold(candidate.name): candidate
               for candidate in candidates(dossier.applicant_id_number, exclude_dossier_id=dossier.id)}
    return {document.id: by_name[fold(document.name)] for document in waiting if fold(document.name) in by_name}
