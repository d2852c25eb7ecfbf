"""Long papers rendered outside the request: a table of jobs, one worker thread per process, WeasyPrint in
a child process.

The register of a busy ward runs to hundreds of A4 pages and takes WeasyPrint tens of seconds. Rendered
inside a request it held a gunicorn thread that long and, worse, the process's rendering lock
(`pdf._RENDER_LOCK`), so every receipt of that process waited behind it. Here:

- the request only writes a `PaperJob` row (status `queued`) and answers at once with a page that polls
  the job's status (htmx) and offers the file when it is ready;
- every app process runs one daemon thread (started by the first request that needs it) that claims
  the oldest queued job with a conditional UPDATE — the row is claimed by exactly one process, on
  SQLite and PostgreSQL alike, however many gunicorn workers run — builds the HTML, and has a child
  process (`python -m app.reports.render_process`) turn it into the PDF. The child has its own
  fonts and Pango: the parent's rendering lock is never taken, so receipts never wait;
- the thread moves the job's heartbeat and its estimated progress every second while the child works;
  a running job whose heartbeat is older than STALE_AFTER belongs to a process that died (a worker
  restart, a crash) and is marked failed, so the clerk is told to print again;
- files live under `instance/papers/`; finished files older than MAX_AGE, or beyond MAX_TOTAL_BYTES
  (oldest first), are removed and their jobs marked expired.
"""
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time as clock
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import Flask, current_app, render_template
from sqlalchemy import func, select, update

from app.extensions import db
from app.reports.models import JobStatus, PaperJob
from app.reports.pdf import FONT_FAMILY
from app.reports.quarterly import ReportPeriodError, build_report, render_quarterly_html
from app.worktime.clock import local_now

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(seconds=60)  # no heartbeat for this long: the rendering process is gone
MAX_AGE = timedelta(hours=24)  # a finished paper is kept this long for its download
MAX_TOTAL_BYTES = 500 * 1024 * 1024  # all kept papers together
MAX_RUNNING = 2  # child processes rendering at once, over all app processes (memory: ~300 MB each)
CHILD_TIMEOUT = 30 * 60  # seconds; the longest register (5,000 rows) takes a few minutes
ORPHAN_AFTER_SECONDS = 2 * CHILD_TIMEOUT  # a file no job names, left by a crash
# The estimate shown while the child works, measured on the 2-core server (README "Papers"): WeasyPrint
# starts in about 2 s, then lays out and writes about 40 register rows a second.
STARTUP_SECONDS = 2.0
SECONDS_PER_ROW = 0.025
POLL_SECONDS = 1.0
REUSE_WITHIN = timedelta(minutes=10)  # `enqueue_once`: the figures of a quarter do not change faster

_worker_lock = threading.Lock()
_worker: threading.Thread | None = None
_wake = threading.Event()


def papers_dir() -> Path:
    path = Path(current_app.config.get("PAPERS_DIR") or Path(current_app.instance_path) / "papers")
    path.mkdir(parents=True, exist_ok=True)
    return path


def enqueue(kind: str, unit_id: int, params: dict, rows: int, file_name: str, user_id: int | None) -> PaperJob:
    """A new queued job (committed), and a worker thread in this process to take it."""
    job = PaperJob(kind=kind, unit_id=unit_id, params=params, rows=rows, file_name=file_name,
                   requested_by_id=user_id, status=JobStatus.QUEUED, created_at=local_now(),
                   stage="Đang chờ đến lượt in")
    db.session.add(job)
    db.session.commit()
    ensure_worker(current_app._get_current_object())
    return job


def enqueue_once(kind: str, unit_id: int, params: dict, rows: int, file_name: str, user_id: int | None) -> PaperJob:
    """The same paper already queued, printing, or printed within REUSE_WITHIN (its file still kept), else a
    new job: asking again, or a link opened twice, never renders the same paper twice."""
    recent = local_now() - REUSE_WITHIN
    for job in db.session.scalars(select(PaperJob).where(
            PaperJob.kind == kind, PaperJob.unit_id == unit_id, PaperJob.created_at >= recent,
            PaperJob.status.in_([JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE])).order_by(PaperJob.id.desc())):
        if job.params == params:
            ensure_worker(current_app._get_current_object())
            return job
    return enqueue(kind, unit_id, params, rows, file_name, user_id)


def ensure_worker(app: Flask) -> None:
    """Start this process's worker thread once (again after a fork: threads do not survive one)."""
    global _worker
    if app.config.get("PAPER_JOBS_THREAD") is False:
        return  # tests drive `run_pending` themselves
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work_forever, args=(app,), name="paper-jobs", daemon=True)
            _worker.start()
    _wake.set()


def _work_forever(app: Flask) -> None:
    while True:
        try:
            with app.app_context():
                ran = run_pending()
        except Exception:  # the thread must outlive a database restart
            log.exception("Luồng in giấy tờ gặp lỗi; thử lại sau")
            ran = 0
        if not ran:
            _wake.wait(timeout=5)
            _wake.clear()


def run_pending(limit: int | None = None) -> int:
    """Mark stale jobs failed, clean old files, then render queued jobs one after another until none
    is left (or `limit`); returns how many this process rendered. Needs an app context."""
    mark_stale()
    done = 0
    while limit is None or done < limit:
        job = claim_next()
        if job is None:
            break
        render(job)
        done += 1
    clean_up()
    return done


def mark_stale(now: datetime | None = None) -> int:
    """Running jobs without a heartbeat for STALE_AFTER: their process died. Returns how many."""
    now = now or local_now()
    result = db.session.execute(
        update(PaperJob)
        .where(PaperJob.status == JobStatus.RUNNING, PaperJob.heartbeat_at < now - STALE_AFTER)
        .values(status=JobStatus.FAILED, finished_at=now, stage="",
                message="Máy chủ đã khởi động lại trong khi in; hãy bấm in lại."))
    db.session.commit()
    return result.rowcount


def claim_next() -> PaperJob | None:
    """The oldest queued job, now running in this process; None when there is none, or when MAX_RUNNING
    children already render. The conditional UPDATE lets exactly one process claim a row."""
    while True:
        running = db.session.scalar(select(func.count()).select_from(PaperJob)
                                    .where(PaperJob.status == JobStatus.RUNNING))
        if running >= MAX_RUNNING:
            db.session.rollback()
            return None
        job_id = db.session.scalar(select(PaperJob.id).where(PaperJob.status == JobStatus.QUEUED)
                                   .order_by(PaperJob.id).limit(1))
        if job_id is None:
            db.session.rollback()
            return None
        now = local_now()
        claimed = db.session.execute(
            update(PaperJob).where(PaperJob.id == job_id, PaperJob.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, progress=1,
                    stage="Đang lấy dữ liệu"))
        db.session.commit()
        if claimed.rowcount == 1:
            return db.session.get(PaperJob, job_id)
        # Another process took it first: look again.


def render(job: PaperJob) -> None:
    """Build the job's HTML here, have a child process render the PDF, keep the file; never raises."""
    try:
        html = _html_of(job)
        _progress(job, 3, "Đang dàn trang")
        directory = papers_dir()
        stored_as = f"job-{job.id}-{os.urandom(6).hex()}.pdf"
        with tempfile.NamedTemporaryFile("w", suffix=".html", dir=directory, delete=False, encoding="utf-8") as file:
            file.write(html)
            html_path = Path(file.name)
        try:
            _run_child(job, html_path, directory / stored_as)
        finally:
            html_path.unlink(missing_ok=True)
        size = (directory / stored_as).stat().st_size
        job.status, job.progress, job.stage = JobStatus.DONE, 100, ""
        job.stored_as, job.size_bytes, job.finished_at = stored_as, size, local_now()
        db.session.commit()
    except Exception as error:  # noqa: BLE001 (the job says what happened; the thread carries on)
        log.exception("Không in được giấy tờ (việc in số %s)", job.id)
        db.session.rollback()
        failed = db.session.get(PaperJob, job.id)
        failed.status, failed.stage, failed.finished_at = JobStatus.FAILED, "", local_now()
        failed.message = (str(error) if isinstance(error, (PaperTooLong, ReportPeriodError))
                          else "Bản in bị lỗi; dữ liệu không bị ảnh hưởng. Hãy thử in lại sau ít phút.")
        db.session.commit()


class PaperTooLong(Exception):
    """The child did not finish within CHILD_TIMEOUT."""


def _run_child(job: PaperJob, html_path: Path, pdf_path: Path) -> None:
    """Run the child process to completion, moving the job's heartbeat and estimate every second."""
    started = clock.monotonic()
    expected = STARTUP_SECONDS + _seconds_per_row(job.kind) * max(job.rows, 1)
    child = subprocess.Popen([sys.executable, "-m", "app.reports.render_process", str(html_path), str(pdf_path)],
                             cwd=str(Path(__file__).resolve().parents[2]), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    try:
        while child.poll() is None:
            elapsed = clock.monotonic() - started
            if elapsed > CHILD_TIMEOUT:
                child.kill()
                raise PaperTooLong("Bản in quá dài, không xong trong 30 phút; hãy chọn khoảng ngày ngắn hơn.")
            # An estimate from the measured rate, never claiming to be done before the child is.
            estimate = 3 + int(92 * min(elapsed / expected, 1))
            remaining = max(0, int(expected - elapsed))
            stage = (f"Đang dàn trang và ghi tệp PDF (còn khoảng {remaining} giây)" if remaining
                     else "Sắp xong, đang ghi tệp PDF")
            _progress(job, min(estimate, 95), stage)
            clock.sleep(POLL_SECONDS)
        errors = child.stderr.read().decode("utf-8", "replace")
    finally:
        if child.poll() is None:
            child.kill()
        child.stderr.close()
    if child.returncode != 0 or not pdf_path.is_file():
        raise RuntimeError(f"render_process exited {child.returncode}: {errors[-2000:]}")


def _seconds_per_row(kind: str) -> float:
    """The rate of the last paper of this kind printed here (the server's load shows in it), else the
    measured SECONDS_PER_ROW."""
    last = db.session.execute(
        select(PaperJob.started_at, PaperJob.finished_at, PaperJob.rows)
        .where(PaperJob.kind == kind, PaperJob.status.in_([JobStatus.DONE, JobStatus.EXPIRED]), PaperJob.rows >= 50)
        .order_by(PaperJob.id.desc()).limit(1)).first()
    if last is None or last.started_at is None or last.finished_at is None:
        return SECONDS_PER_ROW
    seconds = (last.finished_at - last.started_at).total_seconds() - STARTUP_SECONDS
    return max(SECONDS_PER_ROW, seconds / last.rows)


def _progress(job: PaperJob, progress: int, stage: str) -> None:
    job.progress, job.stage, job.heartbeat_at = progress, stage, local_now()
    db.session.commit()


def _html_of(job: PaperJob) -> str:
    if job.kind == "register":
        from app.reports.register import register_lines
        from app.reports.views import register_paper_context
        first_day, last_day = date.fromisoformat(job.params["first_day"]), date.fromisoformat(job.params["last_day"])
        lines = register_lines(job.unit, first_day, last_day)
        _progress(job, 2, "Đang dàn trang")
        return render_template("reports/register.html", font_family=FONT_FAMILY,
                               **register_paper_context(job.unit, lines, first_day, last_day))
    if job.kind == "quarterly":
        report = build_report(job.unit, job.params.get("kind", "quarter"), job.params["year"], job.params["quarter"],
                              local_now().date(), current_app.config["REPORT_CUTOFF_DAY"], job.params.get("number", ""))
        _progress(job, 2, "Đang dàn trang")
        return render_quarterly_html(report)
    raise ValueError(f"unknown paper job kind {job.kind!r}")


def clean_up(now: datetime | None = None) -> int:
    """Remove kept papers older than MAX_AGE, then the oldest until all fit in MAX_TOTAL_BYTES; their
    jobs become expired. Also removes files no job names (left by a crash). Returns how many files went."""
    now = now or local_now()
    directory = papers_dir()
    kept = db.session.scalars(select(PaperJob).where(PaperJob.status == JobStatus.DONE)
                              .order_by(PaperJob.finished_at.desc(), PaperJob.id.desc())).all()
    total, removed = 0, 0
    for job in kept:
        total += job.size_bytes
        if job.finished_at < now - MAX_AGE or total > MAX_TOTAL_BYTES:
            (directory / job.stored_as).unlink(missing_ok=True)
            job.status, job.stored_as = JobStatus.EXPIRED, ""
            removed += 1
    db.session.commit()
    named = {job.stored_as for job in kept if job.stored_as}
    for path in directory.iterdir():
        # An orphan: no job names it, and it is older than any rendering still under way could be.
        if path.name not in named and path.stat().st_mtime < clock.time() - ORPHAN_AFTER_SECONDS:
            path.unlink(missing_ok=True)
            removed += 1
    db.session.rollback()
    return removed
