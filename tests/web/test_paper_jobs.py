"""Long papers print in the background: the request only queues a job, a worker renders it in a child
process (never holding this process's rendering lock), its page polls the progress and then offers the
file; jobs of a dead process are marked failed, old files are cleaned up, and a job is claimed once."""
import threading
from datetime import timedelta

import pytest

from app.extensions import db
from app.reports import jobs, pdf
from app.reports.jobs import claim_next, clean_up, mark_stale, papers_dir, run_pending
from app.reports.models import JobStatus, PaperJob
from app.worktime.clock import local_now
from test_papers_pdf import get_pdf, make_dossier, offerings, register_world  # noqa: F401 (fixtures)


def job_of(url: str) -> PaperJob:
    db.session.expire_all()
    return db.session.get(PaperJob, int(url.rstrip("/").rsplit("/", 1)[-1]))


def queue(client, unit_id: int) -> str:
    response = client.post(f"/units/{unit_id}/register/print",
                           data={"first_day": "02/11/2026", "last_day": "06/11/2026"})
    assert response.status_code == 303
    return response.headers["Location"]


def test_asking_for_the_register_answers_at_once_with_a_page_that_polls_its_progress(client, world, login_as,
                                                                                      register_world):
    login_as(world.user("clerk", "a"))
    job_page = queue(client, world.ward_a.id)

    page = client.get(job_page).get_data(as_text=True)
    assert job_of(job_page).status == JobStatus.QUEUED
    assert 'hx-trigger="every 1s"' in page and "<progress" in page and "Đang chờ in" in page
    assert "Hồ sơ tiếp nhận từ 02/11/2026 đến 06/11/2026: 50 dòng" in page
    fragment = client.get(job_page, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section class="panel paper-job" id="paper-job"')
    assert client.get(f"{job_page}/file").status_code == 404  # nothing to download yet


def test_a_running_job_shows_its_estimated_progress_and_stage(client, world, login_as, register_world):
    login_as(world.user("clerk", "a"))
    job_page = queue(client, world.ward_a.id)
    job = job_of(job_page)
    job.status, job.progress, job.stage = JobStatus.RUNNING, 40, "Đang dàn trang và ghi tệp PDF (còn khoảng 3 giây)"
    job.heartbeat_at = local_now()
    db.session.commit()

    page = client.get(job_page, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'value="40"' in page and "40% · Đang dàn trang" in page and "every 1s" in page


def test_a_finished_job_stops_polling_and_offers_its_pdf(client, world, login_as, register_world):
    login_as(world.user("clerk", "a"))
    job_page = queue(client, world.ward_a.id)
    assert run_pending() == 1

    fragment = client.get(job_page, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "every 1s" not in fragment and "Đã in xong" in fragment and f'href="{job_page}/file"' in fragment
    job = job_of(job_page)
    assert (job.status, job.progress) == (JobStatus.DONE, 100) and job.size_bytes > 1000
    assert get_pdf(client, f"{job_page}/file").startswith(b"%PDF")


def test_the_register_renders_without_this_processs_rendering_lock(client, world, login_as, register_world):
    """A receipt waits for `pdf._RENDER_LOCK`; the register's child process never takes it, so a long
    register cannot make a receipt wait: here the lock is held all along and the register still prints."""
    login_as(world.user("clerk", "a"))
    job_page = queue(client, world.ward_a.id)
    assert pdf._RENDER_LOCK.acquire(timeout=5)
    try:
        assert run_pending() == 1
    finally:
        pdf._RENDER_LOCK.release()
    assert job_of(job_page).status == JobStatus.DONE


def test_the_request_that_asks_for_the_register_renders_nothing(client, world, login_as, register_world,
                                                                 monkeypatch):
    monkeypatch.setattr("app.reports.jobs.render", lambda job: pytest.fail("rendered inside the request"))
    monkeypatch.setattr("app.reports.pdf.render_pdf", lambda html: pytest.fail("rendered inside the request"))
    login_as(world.user("clerk", "a"))
    assert job_of(queue(client, world.ward_a.id)).status == JobStatus.QUEUED


def test_a_job_whose_process_died_is_marked_failed_and_says_to_print_again(client, world, login_as, register_world):
    login_as(world.user("clerk", "a"))
    job_page = queue(client, world.ward_a.id)
    job = job_of(job_page)
    job.status, job.started_at = JobStatus.RUNNING, local_now() - timedelta(minutes=5)
    job.heartbeat_at = local_now() - jobs.STALE_AFTER - timedelta(seconds=5)
    db.session.commit()

    assert mark_stale() == 1
    page = client.get(job_page).get_data(as_text=True)
    assert "Không in được" in page and "khởi động lại" in page and "every 1s" not in page


def test_a_job_with_a_fresh_heartbeat_is_left_running(client, world, login_as, register_world):
    login_as(world.user("clerk", "a"))
    job = job_of(queue(client, world.ward_a.id))
    job.status, job.heartbeat_at = JobStatus.RUNNING, local_now() - timedelta(seconds=5)
    db.session.commit()
    assert mark_stale() == 0
    assert job_of(f"/papers/{job.id}").status == JobStatus.RUNNING


def test_a_queued_job_is_claimed_by_exactly_one_of_several_workers(app, client, world, login_as, register_world):
    login_as(world.user("clerk", "a"))
    job_id = job_of(queue(client, world.ward_a.id)).id
    db.session.commit()
    barrier = threading.Barrier(4, timeout=30)
    claimed, failures = [], []

    def worker() -> None:
        try:
            with app.app_context():
                barrier.wait()
                job = claim_next()
                claimed.append(job.id if job else None)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported by the main thread)
            failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(claimed, key=str) == sorted([job_id, None, None, None], key=str)


def test_old_papers_and_papers_beyond_the_size_bound_are_removed(client, world, login_as, register_world,
                                                                 monkeypatch):
    login_as(world.user("clerk", "a"))
    now = local_now()
    made = []
    for age_hours, size in ((30, 100), (2, 300), (1, 300)):
        stored_as = f"cleanup-{age_hours}.pdf"
        (papers_dir() / stored_as).write_bytes(b"x" * size)
        job = PaperJob(kind="register", unit_id=world.ward_a.id, params={"first_day": "2026-11-02",
                                                                         "last_day": "2026-11-06"},
                       status=JobStatus.DONE, rows=1, file_name="so.pdf", stored_as=stored_as, size_bytes=size,
                       created_at=now - timedelta(hours=age_hours), finished_at=now - timedelta(hours=age_hours))
        db.session.add(job)
        made.append((job, stored_as))
    db.session.commit()
    monkeypatch.setattr("app.reports.jobs.MAX_TOTAL_BYTES", 500)

    clean_up()

    db.session.expire_all()
    statuses = [(job.status, (papers_dir() / stored_as).exists()) for job, stored_as in made]
    # The 30-hour-old one is past MAX_AGE; of the other two only the newest fits in 500 bytes.
    assert statuses == [(JobStatus.EXPIRED, False), (JobStatus.EXPIRED, False), (JobStatus.DONE, True)]
    expired_page = client.get(f"/papers/{made[0][0].id}").get_data(as_text=True)
    assert "hãy in lại" in expired_page


def test_the_quarterly_report_of_a_unit_with_many_below_it_prints_in_the_background_once(client, world, login_as,
                                                                                         monkeypatch):
    monkeypatch.setattr("app.reports.quarterly_views.IN_BACKGROUND_FROM_UNITS", 3)
    login_as(world.users["officer_city"])
    first = client.get(f"/units/{world.city.id}/report-q.pdf?year=2025&quarter=4")
    again = client.get(f"/units/{world.city.id}/report-q.pdf?year=2025&quarter=4")
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]  # one job for the same paper
    assert "Báo cáo quý" in client.get(first.headers["Location"]).get_data(as_text=True)
    assert run_pending() == 1
    assert get_pdf(client, first.headers["Location"] + "/file").startswith(b"%PDF")
    # A ward's report still comes at once, in the request.
    login_as(world.user("chair", "a"))
    assert client.get(f"/units/{world.ward_a.id}/report-q.pdf?year=2025&quarter=4").status_code == 200
