"""Papers laid out once and kept: a dossier's receipt is rendered to PDF once per dossier version and
served from `kept_papers` while the HTML it comes from is unchanged (issue 13: WeasyPrint's layout is
most of a paper's cost, and a reprint is the same paper)."""
import hashlib

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.reports.models import KeptPaper
from app.reports.pdf import render_pdf
from app.worktime.clock import local_now


def kept_pdf(dossier_id: int, kind: str, version: int, html: str, render=render_pdf) -> bytes:
    """The PDF of `html`, from the kept copy when it was laid out from the same HTML at this version;
    otherwise laid out now and kept (replacing the copies of older versions), in its own commit.

    Two prints of a paper not yet kept both lay it out; the second write finds the row and replaces it
    with the same bytes (an upsert, on SQLite and PostgreSQL)."""
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    kept = db.session.execute(
        select(KeptPaper.html_sha256, KeptPaper.pdf)
        .where(KeptPaper.dossier_id == dossier_id, KeptPaper.kind == kind, KeptPaper.version == version)).first()
    if kept is not None and kept.html_sha256 == digest:
        return kept.pdf
    pdf = render(html)
    table = KeptPaper.__table__
    dialect_insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = {"dossier_id": dossier_id, "kind": kind, "version": version, "html_sha256": digest, "pdf": pdf,
              "created_at": local_now()}
    statement = dialect_insert(table).values(**values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["dossier_id", "kind", "version"],
        set_={"html_sha256": statement.excluded.html_sha256, "pdf": statement.excluded.pdf,
              "created_at": statement.excluded.created_at}))
    db.session.execute(delete(table).where(table.c.dossier_id == dossier_id, table.c.kind == kind,
                                           table.c.version < version))
    db.session.commit()
    return pdf
