"""How long a request may keep the database busy, and when to stop asking it (pure: no Flask, no SQLAlchemy).

- `request_kind(path)`: a page, a paper (PDF) or an export (XLSX/CSV), by what the URL hands back.
- `Budgets`: the statement time each kind may use (config.py's DB_*_TIMEOUT_MS).
- `parameter_shape(parameters)`: what a slow query's parameters look like — types and lengths, never
  the values, which hold names, CCCD numbers and phone numbers.
- `Breaker`: after the database failed to answer in time, the other requests fail at once for a
  short while instead of each waiting its own timeout; one request at a time then tries again.
"""
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum


class RequestKind(Enum):
    PAGE = "page"
    PAPER = "paper"
    EXPORT = "export"

    @property
    def label(self) -> str:
        return {"page": "trang", "paper": "giấy tờ PDF", "export": "tệp xuất"}[self.value]


def request_kind(path: str) -> RequestKind:
    """The kind of a request by its path: `….pdf` a paper, `….xlsx` / `….csv` an export, anything else a page."""
    name = path.rsplit("/", 1)[-1].lower()
    if name.endswith(".pdf"):
        return RequestKind.PAPER
    if name.endswith((".xlsx", ".csv")):
        return RequestKind.EXPORT
    return RequestKind.PAGE


@dataclass(frozen=True)
class Budgets:
    """Milliseconds one statement of a request of each kind may run before the database stops it."""

    page_ms: int = 1500
    paper_ms: int = 2000
    export_ms: int = 15000

    def __post_init__(self):
        for name in ("page_ms", "paper_ms", "export_ms"):
            if not 1 <= getattr(self, name) <= 600_000:
                raise ValueError(f"{name} must be between 1 ms and 10 minutes, not {getattr(self, name)!r}")

    def for_kind(self, kind: RequestKind) -> int:
        return {RequestKind.PAGE: self.page_ms, RequestKind.PAPER: self.paper_ms,
                RequestKind.EXPORT: self.export_ms}[kind]


def _value_shape(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, Enum):
        return type(value).__name__
    if isinstance(value, (str, bytes, bytearray)):
        return f"{type(value).__name__}[{len(value)}]"
    if isinstance(value, (list, tuple, set, frozenset)):
        kinds = sorted({_value_shape(item).split("[", 1)[0] for item in value})
        return f"{type(value).__name__}[{len(value)}{' × ' + '|'.join(kinds) if kinds else ''}]"
    return type(value).__name__


def parameter_shape(parameters) -> str:
    """`{name: str[13], unit_id: int}` or `(str[13], int)` or, for many rows, `4 × (…)`: types and
    lengths only. Bound-parameter names are the code's own (column names), never the user's input."""
    if parameters is None:
        return "()"
    if isinstance(parameters, Mapping):
        return "{" + ", ".join(f"{key}: {_value_shape(value)}" for key, value in parameters.items()) + "}"
    if isinstance(parameters, Sequence) and not isinstance(parameters, (str, bytes)):
        if parameters and all(isinstance(row, (Mapping, tuple, list)) for row in parameters):
            # executemany: the shape of the first row and how many rows there were
            return f"{len(parameters)} × {parameter_shape(parameters[0])}"
        return "(" + ", ".join(_value_shape(value) for value in parameters) + ")"
    return _value_shape(parameters)


class Breaker:
    """Open after a failure, for `cooldown` seconds; then half-open: one caller at a time may try
    (a probe), the others are refused until it succeeds (closed) or fails (open again). A probe that
    reports nothing within `probe_limit` seconds is given up and another caller may try.

    Times are passed in (`now`, seconds of a monotonic clock), so the states can be tested without
    waiting. Shared by the threads of one process: every change is made under a lock.
    """

    def __init__(self, cooldown: float = 0.5, probe_limit: float = 3.0):
        self.cooldown, self.probe_limit = cooldown, probe_limit
        self._lock = threading.Lock()
        self._opened_at: float | None = None
        self._probe_started: float | None = None

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allows(self, now: float) -> bool:
        if self._opened_at is None:  # the usual case, without taking the lock
            return True
        with self._lock:
            if self._opened_at is None:
                return True
            if now < self._opened_at + self.cooldown:
                return False
            if self._probe_started is not None and now < self._probe_started + self.probe_limit:
                return False
            self._probe_started = now
            return True

    def failed(self, now: float) -> None:
        with self._lock:
            self._opened_at = now
            self._probe_started = None

    def succeeded(self) -> None:
        if self._opened_at is None:
            return
        with self._lock:
            self._opened_at = None
            self._probe_started = None
