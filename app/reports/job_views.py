"""A long paper's page while it prints in the background: its progress (polled by htmx) and its file."""
from datetime import date

from flask import Blueprint, abort, current_app, send_file, url_for
from flask_login import login_required

from app.extensions import db
from app.htmx import render_page_or_fragment
from app.jinja_filters import format_number
from app.reports.jobs import ensure_worker, papers_dir
from app.reports.models import JobStatus, PaperJob
from app.units.scope import get_visible_unit_or_404

papers_bp = Blueprint("papers", __name__)

TITLES = {"register": "Sổ theo dõi hồ sơ", "quarterly": "Báo cáo quý"}


def describe(paper_job: PaperJob) -> str:
    if paper_job.kind == "register":
        first_day, last_day = (date.fromisoformat(paper_job.params[key]) for key in ("first_day", "last_day"))
        return (f"Hồ sơ tiếp nhận từ {first_day:%d/%m/%Y} đến {last_day:%d/%m/%Y}: "
                f"{format_number(paper_job.rows)} dòng")
    if paper_job.kind == "quarterly":
        return (f"Quý {paper_job.params['quarter']}/{paper_job.params['year']} của "
                f"{format_number(paper_job.rows)} đơn vị")
    return ""


def get_job_or_404(job_id: int) -> PaperJob:
    """The job, scoped like the paper itself: by its unit (another ward's job is a 404)."""
    job = db.session.get(PaperJob, job_id)
    if job is None:
        abort(404)
    get_visible_unit_or_404(job.unit_id)
    return job


@papers_bp.get("/papers/<int:job_id>")
@login_required
def job(job_id: int):
    """The job's page; for htmx, only its status fragment, which polls itself while the job runs."""
    paper_job = get_job_or_404(job_id)
    if not paper_job.is_finished:
        # A worker restarted since the job was asked for: this process's thread takes it (and marks
        # the jobs of a dead process failed).
        ensure_worker(current_app._get_current_object())
    return render_page_or_fragment("reports/paper_job.html", "reports/_paper_job_status.html", job=paper_job,
                                   title=TITLES.get(paper_job.kind, "Giấy tờ"), description=describe(paper_job),
                                   statuses=JobStatus,
                                   status=JobStatus(paper_job.status),
                                   download_url=url_for("papers.job_file", job_id=paper_job.id))


@papers_bp.get("/papers/<int:job_id>/file")
@login_required
def job_file(job_id: int):
    paper_job = get_job_or_404(job_id)
    if paper_job.status != JobStatus.DONE or not paper_job.stored_as:
        abort(404)
    path = papers_dir() / paper_job.stored_as
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=False, download_name=paper_job.file_name,
                     max_age=0)
