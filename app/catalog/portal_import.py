"""`flask catalog import-portal`: the national portal's JSONL catalog into procedures, idempotently."""
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.catalog.fees import read_fee
from app.catalog.models import ChannelKind, Procedure, ProcedureChannel, RequiredDocument
from app.catalog.portal_format import PortalProcedure, parse_portal_record
from app.extensions import db
from app.importing import ImportFileError, ImportProblem, check_file_size

# When a procedure has several channels, the statutory time offerings are compared with is the
# one at the desk, where the one-stop desk receives dossiers; post and online come after it.
STATUTORY_CHANNEL_ORDER = (ChannelKind.DIRECT, ChannelKind.POST, ChannelKind.ONLINE)
# (portal field, attribute, column length): checked before writing, so that PostgreSQL never
# refuses a value halfway through an import.
LENGTH_LIMITS = (
    ("ma_thu_tuc", "code", 40),
    ("linh_vuc", "field", 200),
    ("so_quyet_dinh", "decision", 300),
    ("loai_thu_tuc", "kind", 200),
    ("detail_url", "url", 500),
)


@dataclass
class PortalImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (line, code, problems) for every record imported with something unread, flagged for review.
    flagged: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _digest(raw: dict) -> str:
    canonical = json.dumps(raw, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_portal_file(path: str | Path) -> list[tuple[int, dict, PortalProcedure]]:
    """Parse every line; raise ImportFileError (nothing written) if any line is not a readable record."""
    problems: list[ImportProblem] = []
    records: list[tuple[int, dict, PortalProcedure]] = []
    seen: dict[str, int] = {}
    check_file_size(path)
    raw_bytes = Path(path).read_bytes()
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw_bytes[: error.start].count(b"\n") + 1
        raise ImportFileError([ImportProblem(line, "", "tệp không phải UTF-8")]) from None
    # Only "\n" ends a record: str.splitlines() would also break at U+2028 and other characters that
    # JSON allows inside strings.
    for line, content in enumerate(text.split("\n"), start=1):
        if not content.strip():
            continue
        try:
            raw = json.loads(content)
        except json.JSONDecodeError as error:
            problems.append(ImportProblem(line, "", f"không phải JSON hợp lệ ({error.msg}, ký tự {error.colno})"))
            continue
        if not isinstance(raw, dict):
            problems.append(ImportProblem(line, "", "mỗi dòng phải là một đối tượng JSON"))
            continue
        try:
            procedure = parse_portal_record(raw)
        except ValueError as error:
            field = "ma_thu_tuc" if not str(raw.get("ma_thu_tuc") or "").strip() else "ten_thu_tuc"
            problems.append(ImportProblem(line, field, str(error)))
            continue
        too_long = [(name, limit) for name, attribute, limit in LENGTH_LIMITS
                    if len(getattr(procedure, attribute)) > limit]
        for name, limit in too_long:
            problems.append(ImportProblem(line, name, f"dài quá {limit} ký tự"))
        if too_long:
            continue
        if procedure.code in seen:
            problems.append(ImportProblem(line, "ma_thu_tuc", f"mã {procedure.code} lặp lại (dòng {seen[procedure.code]})"))
            continue
        seen[procedure.code] = line
        records.append((line, raw, procedure))
    if not records and not problems:
        problems.append(ImportProblem(1, "", "tệp rỗng"))
    if problems:
        raise ImportFileError(problems)
    return records


def import_portal(path: str | Path, now) -> PortalImportReport:
    """Create or update procedures from the file; an unchanged record is left untouched.

    Unreadable processing times are imported empty and the procedure is flagged for review
    (DOMAIN.md: "never guessed"). `now` is the local time stamped on changed procedures.
    """
    records = read_portal_file(path)
    report = PortalImportReport()
    existing = {p.code: p for p in db.session.scalars(select(Procedure))}
    try:
        for line, raw, parsed in records:
            if parsed.needs_review:
                report.flagged.append((line, parsed.code, parsed.problems))
            digest = _digest(raw)
            procedure = existing.get(parsed.code)
            if procedure is not None and procedure.source_digest == digest:
                report.unchanged += 1
                continue
            if procedure is None:
                procedure = Procedure(code=parsed.code)
                db.session.add(procedure)
                report.created += 1
            else:
                report.updated += 1
            _apply(procedure, parsed, digest, now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _apply(procedure: Procedure, parsed: PortalProcedure, digest: str, now) -> None:
    procedure.name = parsed.name
    procedure.field = parsed.field
    procedure.levels = ", ".join(parsed.levels)
    procedure.decision = parsed.decision
    procedure.kind = parsed.kind
    procedure.subjects = parsed.subjects
    procedure.agency = parsed.agency
    procedure.result = parsed.result
    procedure.legal_basis = parsed.legal_basis
    procedure.url = parsed.url
    procedure.needs_review = parsed.needs_review
    procedure.review_notes = "\n".join(parsed.problems)
    procedure.source_digest = digest
    procedure.is_demo = False  # the real record replaces a demo one of the same code
    procedure.updated_at = now
    if procedure.id is not None:
        # Delete the old rows before inserting new ones: (procedure, channel) is unique, and the
        # unit of work would otherwise insert before it deletes.
        procedure.channels.clear()
        procedure.documents.clear()
        db.session.flush()
    procedure.channels = [
        ProcedureChannel(channel=ChannelKind(terms.channel.value), time_value=terms.time_value,
                         time_unit=terms.time_unit, time_text=terms.time_text,
                         fee_text=terms.fee_text, fee_amount=read_fee(terms.fee_text).amount,
                         description=terms.description)
        for terms in parsed.channels
    ]
    procedure.documents = [
        RequiredDocument(position=index, name=document.name, originals=document.originals,
                         copies=document.copies)
        for index, document in enumerate(parsed.documents, start=1)
    ]
    by_channel = {terms.channel.value: terms for terms in parsed.channels}
    statutory = next(
        (by_channel[kind.value] for kind in STATUTORY_CHANNEL_ORDER
         if kind.value in by_channel and by_channel[kind.value].time_value is not None),
        None,
    )
    # The fee at the desk: read in the same channel order as the statutory time.
    procedure.fee_amount = next((fee for kind in STATUTORY_CHANNEL_ORDER if kind.value in by_channel
                                 and (fee := read_fee(by_channel[kind.value].fee_text).amount) is not None), None)
    procedure.set_statutory_time(statutory.time_value if statutory else None,
                                 statutory.time_unit if statutory else None)
    procedure.refresh_search_key()
