"""Writing the stored register back out: one row per dossier, the import's columns plus its classification."""
import csv
from typing import TextIO

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from app.catalog.models import Procedure
from app.dossiers.lifecycle import DossierState
from app.dossiers.models import Dossier, DossierDocument, SupplementPeriod
from app.dossiers.register_format import CHUNK_SIZE, EXPORT_COLUMNS, OPEN, format_amount, format_time
from app.extensions import db
from app.spreadsheet_text import csv_row
from app.units.models import Unit
from app.units.scope import subtree_unit_ids


def register_select() -> Select:
    """One row per dossier with every register column, its unit and procedure codes and its latest
    supplement period joined in (no query per dossier).

    The latest period comes from one grouped sub-select joined by dossier id: a correlated
    "latest period of this dossier" lets PostgreSQL walk the whole table backwards per dossier.
    """
    # Counted per dossier down the (dossier_id) index: a handful of documents each.
    documents = (select(func.count()).select_from(DossierDocument)
                 .where(DossierDocument.dossier_id == Dossier.id).correlate(Dossier).scalar_subquery())
    digitised = (select(func.count()).select_from(DossierDocument)
                 .where(DossierDocument.dossier_id == Dossier.id, DossierDocument.digitised_at.is_not(None))
                 .correlate(Dossier).scalar_subquery())
    latest = (select(SupplementPeriod.dossier_id, func.max(SupplementPeriod.id).label("period_id"))
              .group_by(SupplementPeriod.dossier_id)
              .subquery())
    period = aliased(SupplementPeriod)
    return (
        select(Dossier.id, Dossier.code, Dossier.unit_id, Dossier.procedure_id, Unit.code.label("unit_code"),
               Procedure.code.label("procedure_code"), Dossier.channel, Dossier.online_kind,
               Dossier.legacy_online_level, Dossier.applicant_name, Dossier.received_at, Dossier.due_at,
               period.requested_at.label("supplement_requested_at"),
               period.received_at.label("supplement_received_at"), Dossier.state, Dossier.outcome,
               Dossier.resolved_at, Dossier.returned_at, Dossier.apology_due_at, Dossier.resolution,
               Dossier.fee_due, Dossier.fee_paid, Dossier.payment_method, Dossier.paid_at, Dossier.receipt_number,
               documents.label("documents_received"), digitised.label("documents_digitised"), Dossier.result_form)
        .join(Unit, Unit.id == Dossier.unit_id)
        .join(Procedure, Procedure.id == Dossier.procedure_id)
        .outerjoin(latest, latest.c.dossier_id == Dossier.id)
        .outerjoin(period, period.id == latest.c.period_id)
    )


def register_cells(record) -> list[str]:
    """The register columns of a dossier (a `register_select` row), as the export writes them.

    A dossier with several supplement periods shows its latest; withdrawn and stopped dossiers show
    that in `outcome`, with the time they ended in `finished_at`.
    """
    state = record.state
    outcome = state if state in (DossierState.WITHDRAWN, DossierState.STOPPED) else (record.outcome or "")
    online = str(record.legacy_online_level) if record.legacy_online_level else (record.online_kind or "")
    return [record.code, record.unit_code, record.procedure_code, record.channel, online, record.applicant_name,
            format_time(record.received_at), format_time(record.due_at),
            format_time(record.supplement_requested_at), format_time(record.supplement_received_at),
            format_time(record.resolved_at), outcome, format_time(record.returned_at),
            format_time(record.apology_due_at),
            format_amount(record.fee_due), format_amount(record.fee_paid), record.payment_method or "",
            format_time(record.paid_at), record.receipt_number or "",
            # No document recorded: the register states nothing about them (blank, not "0").
            str(record.documents_received) if record.documents_received else "",
            str(record.documents_digitised) if record.documents_received else "", record.result_form or ""]

def export_register(out: TextIO, unit: Unit | None = None) -> int:
    """Write the register as CSV to `out`: every dossier, or those of `unit` and the units below it.

    Columns are `EXPORT_COLUMNS`: the import's, with the due times the app holds and the
    classification (early, on_time, late, or open). Rows are streamed in receipt order; returns
    how many were written.
    """
    stmt = register_select().order_by(Dossier.received_at, Dossier.id)
    if unit is not None:
        stmt = stmt.where(Dossier.unit_id.in_(subtree_unit_ids(unit)))
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for record in db.session.execute(stmt.execution_options(yield_per=CHUNK_SIZE)):
        writer.writerow(csv_row([*register_cells(record), record.resolution or OPEN]))
        count += 1
    return count
