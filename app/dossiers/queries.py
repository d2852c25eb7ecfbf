"""Queries of the desk: the home page's lists and the dossier search, always through the scope helper."""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_login import current_user
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from app.catalog.models import Procedure
from app.dossiers.lifecycle import CLOCK_RUNNING_STATES, OPEN_STATES, DossierState
from app.auth.models import User
from app.dossiers.models import Apology, Dossier, DossierEvent, SupplementPeriod
from app.dossiers.name_index import dossier_names, indexable, match_query, matching_ids
from app.dossiers.ontime import Deadline, deadline_at
from app.extensions import db
from app.units.models import Unit, UnitKind
from app.units.scope import subtree_unit_ids, visible
from app.vntext import fold
from app.worktime.clock import calendar_for
from app.worktime.deadlines import WorkingCalendar

# The lists of dossiers late or at risk of it: each shows where the dossier is and who acted last.
AT_RISK_LISTS = ("overdue", "due_today", "due_next")
DESK_LISTS = {
    "overdue": "Quá hạn",
    "due_today": "Đến hạn hôm nay",
    "due_next": "Đến hạn ngày làm việc tới (cần xin lỗi nếu trễ)",
    "awaiting_supplement": "Chờ công dân bổ sung",
    "ready_to_return": "Có kết quả, chờ trả",
}


@dataclass(frozen=True)
class DeskClock:
    """The instants the desk's lists are cut at: now, the end of today, the end of the next working day."""

    now: datetime
    end_of_today: datetime
    end_of_next_working_day: datetime

    @classmethod
    def at(cls, now: datetime, calendar: WorkingCalendar) -> "DeskClock":
        tomorrow = datetime.combine(now.date() + timedelta(days=1), time())
        next_day = calendar.next_working_day(now.date())
        return cls(now, tomorrow, datetime.combine(next_day + timedelta(days=1), time()))


def clock_stopped_at():
    """When the clock of the dossier awaiting a supplement stopped: its pending request (a correlated
    scalar subquery over `supplement_periods`, the one record of pauses)."""
    return (select(func.max(SupplementPeriod.requested_at))
            .where(SupplementPeriod.dossier_id == Dossier.id, SupplementPeriod.received_at.is_(None))
            .scalar_subquery())


def desk_list_condition(name: str, clock: DeskClock):
    """The WHERE clause of one of the desk's lists.

    A dossier awaiting a supplement has its clock stopped: it is never due today or next, and is
    overdue only if its due time had passed before the request (`ontime.is_overdue`). The pause's
    start is looked up only for those dossiers, so the running ones keep their index range."""
    runs = Dossier.state.in_(CLOCK_RUNNING_STATES)
    paused = Dossier.state == DossierState.AWAITING_SUPPLEMENT
    return {
        "overdue": or_(and_(runs, Dossier.due_at < clock.now),
                       and_(paused, Dossier.due_at < clock_stopped_at())),
        "due_today": and_(runs, Dossier.due_at >= clock.now, Dossier.due_at < clock.end_of_today),
        "due_next": and_(runs, Dossier.due_at >= clock.end_of_today, Dossier.due_at < clock.end_of_next_working_day),
        "awaiting_supplement": paused,
        "ready_to_return": Dossier.state == DossierState.FINISHED,
    }[name]


def deadlines_of(dossiers: list[Dossier], now: datetime) -> dict[int, Deadline]:
    """Where each open dossier stands against its due time at `now`, by id: one query for the pauses
    of those awaiting a supplement, each unit's own calendar."""
    open_ones = [dossier for dossier in dossiers if DossierState(dossier.state).is_open]
    paused_ids = [dossier.id for dossier in open_ones if dossier.state == DossierState.AWAITING_SUPPLEMENT]
    stopped = dict(db.session.execute(
        select(SupplementPeriod.dossier_id, func.max(SupplementPeriod.requested_at))
        .where(SupplementPeriod.dossier_id.in_(paused_ids), SupplementPeriod.received_at.is_(None))
        .group_by(SupplementPeriod.dossier_id)).all()) if paused_ids else {}
    calendars: dict[int, WorkingCalendar] = {}
    deadlines = {}
    for dossier in open_ones:
        if dossier.unit_id not in calendars:
            calendars[dossier.unit_id] = calendar_for(dossier.unit)
        deadlines[dossier.id] = deadline_at(calendars[dossier.unit_id], now, dossier.due_at, stopped.get(dossier.id))
    return deadlines


def desk_counts(clock: DeskClock) -> dict[str, int]:
    """The size of every desk list, in one aggregate over the visible open and finished dossiers."""
    columns = [func.count().filter(desk_list_condition(name, clock)) for name in DESK_LISTS]
    stmt = visible(select(*columns), Dossier.unit_id).where(
        Dossier.state.in_([*OPEN_STATES, DossierState.FINISHED]))
    return dict(zip(DESK_LISTS, db.session.execute(stmt).one(), strict=True))


SORTS = {
    "received_desc": (Dossier.received_at.desc(), Dossier.id.desc()),
    "received_asc": (Dossier.received_at.asc(), Dossier.id.asc()),
    "due_asc": (Dossier.due_at.asc(), Dossier.id.asc()),
    "code": (Dossier.code.asc(),),
}
SORT_LABELS = {"received_desc": "Mới tiếp nhận trước", "received_asc": "Cũ trước", "due_asc": "Hạn gần trước",
               "code": "Theo mã hồ sơ"}


@dataclass
class SearchFilters:
    q: str = ""
    state: str = ""
    procedure_id: int | None = None
    field: str = ""
    channel: str = ""
    received_from: date | None = None
    received_to: date | None = None  # inclusive
    desk_list: str = ""
    sort: str = "received_desc"
    own_unit_code: str = ""  # the ward searched in, to complete a code typed without its agency part
    unit: Unit | None = None  # an officer's choice of one unit below theirs (and its subtree)
    office: str = ""  # where the dossier is: the office its last hand-off went to
    actor_id: int | None = None  # who acted on it last


ID_NUMBER = re.compile(r"\d{12}")
PHONE = re.compile(r"0\d{9}|\+84\d{9}")
CODE_TAIL = re.compile(r"\d{6}-\d{4}")  # "YYMMDD-NNNN": the code without the agency part


def _is_name(text: str) -> bool:
    """Whether the search text is words of a name rather than a CCCD, a phone number or (part of) a code."""
    compact = text.replace(" ", "")
    return not (ID_NUMBER.fullmatch(compact) or PHONE.fullmatch(compact) or CODE_TAIL.fullmatch(compact)
                or "-" in compact or compact.count(".") >= 2 or compact.isdigit())


def _text_condition(text: str, own_unit_code: str):
    """What the clerk typed, matched so that an index serves it: an ID number, a phone number and a
    code are equalities or prefixes; anything else is words of the applicant's name, diacritics ignored."""
    compact = text.replace(" ", "")
    if _is_name(text):
        return and_(*[Dossier.applicant_search.contains(word, autoescape=True) for word in fold(text).split()])
    if ID_NUMBER.fullmatch(compact):
        return Dossier.applicant_id_number == compact
    if PHONE.fullmatch(compact):
        return Dossier.applicant_phone == compact
    if CODE_TAIL.fullmatch(compact):
        # A clerk reads "231027-0361" off a receipt: in their own unit that is one exact code.
        if own_unit_code:
            return Dossier.code == f"{own_unit_code}-{compact}"
        return Dossier.code.endswith(compact, autoescape=True)
    if "-" in compact or (compact.count(".") >= 2):
        # A whole code or its beginning: a range on the unique index (LIKE would not use it in SQLite).
        upper = compact.upper()
        return and_(Dossier.code >= upper, Dossier.code < upper + "\uffff")
    return Dossier.code.endswith(f"-{compact}", autoescape=True)  # digits: the day's sequence number


def _filtered(stmt: Select, filters: SearchFilters, clock: DeskClock) -> Select:
    """`stmt` limited to the visible dossiers matching the filters; the text matches code, ID number,
    phone or name."""
    # The unit's own dossiers and those its desk received for other units (to answer the citizen who asks).
    stmt = visible(stmt, Dossier.unit_id, Dossier.receiving_unit_id)
    if filters.unit is not None:
        stmt = stmt.where(Dossier.unit_id.in_(subtree_unit_ids(filters.unit)))
    if filters.q.strip():
        stmt = stmt.where(_text_condition(filters.q.strip(), filters.own_unit_code))
    if filters.state:
        stmt = stmt.where(Dossier.state == filters.state)
    if filters.procedure_id:
        stmt = stmt.where(Dossier.procedure_id == filters.procedure_id)
    if filters.field:
        stmt = stmt.where(Dossier.procedure_id.in_(select(Procedure.id).where(Procedure.field == filters.field)))
    if filters.channel:
        stmt = stmt.where(Dossier.channel == filters.channel)
    if filters.received_from:
        stmt = stmt.where(Dossier.received_at >= datetime.combine(filters.received_from, time()))
    if filters.received_to:
        stmt = stmt.where(Dossier.received_at < datetime.combine(filters.received_to + timedelta(days=1), time()))
    if filters.desk_list in DESK_LISTS:
        stmt = stmt.where(desk_list_condition(filters.desk_list, clock))
    if filters.office:
        stmt = stmt.where(_latest_event_meets(DossierEvent.to_office == filters.office, hand_offs_only=True))
    if filters.actor_id:
        stmt = stmt.where(_latest_event_meets(DossierEvent.actor_id == filters.actor_id))
    return stmt


def _latest_event_meets(condition, hand_offs_only: bool = False):
    """The dossier's latest event — or latest hand-off, an event with an office it went to — meets
    `condition`: a correlated lookup on the event log's (dossier_id) index, cheap on the few dossiers
    that the other filters leave."""
    latest = aliased(DossierEvent)
    scope = [latest.dossier_id == Dossier.id]
    if hand_offs_only:
        scope.append(latest.to_office != "")
    latest_id = select(func.max(latest.id)).where(*scope).scalar_subquery()
    return exists().where(DossierEvent.dossier_id == Dossier.id, DossierEvent.id == latest_id, condition)


@dataclass(frozen=True)
class Whereabouts:
    """Where an open dossier is and what happened to it last, from its event log ("why late")."""

    office: str  # the office its last hand-off went to
    since: datetime  # when it got there
    last_action: str
    last_actor: str
    last_at: datetime
    apology: str  # "", "chờ duyệt", "đã duyệt"


def whereabouts_of(dossiers: list[Dossier]) -> dict[int, Whereabouts]:
    """Whereabouts of each dossier, by id, in three queries whatever the number of dossiers."""
    ids = [dossier.id for dossier in dossiers]
    if not ids:
        return {}

    def latest_events(*conditions) -> dict[int, DossierEvent]:
        latest_ids = (select(func.max(DossierEvent.id)).where(DossierEvent.dossier_id.in_(ids), *conditions)
                      .group_by(DossierEvent.dossier_id))
        events = db.session.scalars(select(DossierEvent).options(joinedload(DossierEvent.actor))
                                    .where(DossierEvent.id.in_(latest_ids)))
        return {event.dossier_id: event for event in events}

    hand_offs, last_events = latest_events(DossierEvent.to_office != ""), latest_events()
    apologies = dict(db.session.execute(select(Apology.dossier_id, Apology.approved_at)
                                        .where(Apology.dossier_id.in_(ids))).all())
    whereabouts = {}
    for dossier_id in ids:
        hand_off, last = hand_offs.get(dossier_id), last_events.get(dossier_id)
        if last is None:
            continue
        apology = "" if dossier_id not in apologies else ("đã duyệt" if apologies[dossier_id] else "chờ duyệt")
        whereabouts[dossier_id] = Whereabouts(
            office=hand_off.to_office if hand_off else "", since=hand_off.at if hand_off else last.at,
            last_action=last.action_label, last_actor=last.actor.full_name if last.actor else "",
            last_at=last.at, apology=apology)
    return whereabouts


def offices_and_actors() -> tuple[list[str], list[tuple[int, str]]]:
    """The offices the visible open dossiers went to and the people who acted on them: the choices of
    the "why late" filters (open dossiers only, so this reads a few hundred events, not the log)."""
    open_ids = visible(select(Dossier.id), Dossier.unit_id).where(Dossier.state.in_(OPEN_STATES))
    offices = db.session.scalars(select(DossierEvent.to_office).distinct()
                                 .where(DossierEvent.dossier_id.in_(open_ids), DossierEvent.to_office != "")).all()
    actors = db.session.execute(select(User.id, User.full_name).where(User.id.in_(
        select(DossierEvent.actor_id).where(DossierEvent.dossier_id.in_(open_ids))))).all()
    return sorted(offices, key=fold), sorted(((id_, name) for id_, name in actors), key=lambda item: fold(item[1]))


def _indexed_name_words(filters: SearchFilters) -> list[str]:
    """The words of a name search that SQLite's trigram table should look up, or none: only for a
    search across many units (a ward's own names are read faster from its (unit, name) index), only
    on SQLite (PostgreSQL's planner takes its trigram index for the `LIKE`s by itself), only when the
    text is a name (not a code, CCCD or phone number)."""
    if db.engine.dialect.name != "sqlite" or not filters.q.strip():
        return []
    searched = filters.unit or current_user.unit
    if searched.kind == UnitKind.WARD or not _is_name(filters.q.strip()):
        return []
    return indexable(fold(filters.q).split())


def dossier_search(filters: SearchFilters, clock: DeskClock, few_matches: bool = False) -> Select:
    """The matching dossiers, sorted, with their procedure and unit loaded in the same query.

    `few_matches` (the count said so) drives a name search from the text index: fetching and sorting
    a few hundred candidates beats walking the receipt-time index, which in turn finds a common
    name's first page at once."""
    stmt = select(Dossier).options(joinedload(Dossier.procedure), joinedload(Dossier.unit))
    words = _indexed_name_words(filters)
    if words and few_matches:
        stmt = stmt.where(Dossier.id.in_(matching_ids(words)))
    return _filtered(stmt, filters, clock).order_by(*SORTS.get(filters.sort, SORTS["received_desc"]))


# Beyond this many matches a list says "hơn 5.000": counting a city's million dossiers exactly for a
# number nobody reads would scan them all on every page.
COUNT_CAP = 5000


def dossier_count(filters: SearchFilters, clock: DeskClock) -> int:
    """How many dossiers match, up to COUNT_CAP + 1 (more means "more than COUNT_CAP"): a bare COUNT
    over the same conditions (no joins, no ordering) that stops at the cap."""
    stmt = select(Dossier.id)
    words = _indexed_name_words(filters)
    if words:  # driven from the text index in id order, stopping at the cap
        stmt = stmt.join(dossier_names, dossier_names.c.rowid == Dossier.id).where(
            dossier_names.c.applicant_search.op("MATCH")(match_query(words)))
    matching = _filtered(stmt, filters, clock).limit(COUNT_CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(matching))


# Up to this many matches, a name search across units reads them through the text index and sorts them.
FEW_MATCHES = 2000
