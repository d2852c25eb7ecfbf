"""What bench/load.py and bench/faults.py share: the database, the server, the locust run, the counts.

The scripts run in the app's virtualenv (they load data with the app's own code); locust runs in
`.venv-bench` as a child process and writes every request to a JSON-lines log, read back here.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
APP_BIN = ROOT / ".venv" / "bin"
LOCUST = ROOT / ".venv-bench" / "bin" / "locust"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PASSWORD = "thu-nghiem-mot-cua"  # the demo's password (app/demo/cli.py DEMO_PASSWORD)
# Databases that belong to other people's runs: never dropped from here.
PROTECTED_DATABASES = {"postgres", "template0", "template1", "test", "bench"}
# The login limit is per address and all virtual users come from 127.0.0.1: production's
# "10 per minute" would throttle their first sign-in. Still enforced, through Redis, just higher.
LOAD_LOGIN_LIMITS = "300 per minute;3000 per hour"


def server_url(host: str, port: int, name: str) -> str:
    return f"postgresql://postgres@{host}:{port}/{name}"


def recreate_database(host: str, port: int, name: str) -> None:
    if name in PROTECTED_DATABASES or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"refusing to drop the database {name!r}")
    with psycopg.connect(server_url(host, port, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Plan:
    """Who the virtual users are; written as JSON for the locustfile."""

    clerks: list[dict] = field(default_factory=list)
    chairs: list[dict] = field(default_factory=list)
    officers: list[dict] = field(default_factory=list)
    quarterly_url: str | None = None
    history: int = 0
    today: date | None = None

    def write(self, path: Path, log: Path, think: float) -> None:
        path.write_text(json.dumps({
            "clerks": self.clerks, "chairs": self.chairs, "officers": self.officers,
            "counts": {"clerks": len(self.clerks), "chairs": len(self.chairs), "officers": len(self.officers)},
            "quarterly_url": self.quarterly_url, "password": PASSWORD, "log": str(log), "think": think,
        }, ensure_ascii=False, indent=1), encoding="utf-8")


def prepare(database_url: str, wards: int, clerks: int, chairs: int, officers: int,
            history_months: int, history_per_day: float) -> Plan:
    """Migrate, load the demo (city, 3 wards, catalog, offerings, users), add bench wards and the
    virtual users' accounts, and a short history of dossiers so that the figures have something to read."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import Role, User
    from app.catalog.models import Offering
    from app.demo.cli import DEMO_CITY, load_demo
    from app.demo.dossiers import load_demo_dossiers
    from app.extensions import db
    from app.stats.index_service import load_default_rubrics
    from app.units.models import Unit, UnitKind
    from app.worktime.clock import local_now

    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url.replace(
        "postgresql://", "postgresql+psycopg://", 1))
    plan = Plan()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        today = plan.today = local_now().date()
        load_demo(today)
        city = db.session.scalar(select(Unit).where(Unit.code == DEMO_CITY[0]))
        ward_list = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.WARD).order_by(Unit.id)).all()
        template = db.session.scalars(select(Offering).where(Offering.unit_id == ward_list[0].id)).all()
        for index in range(len(ward_list), wards):
            # Marked as demo data like the demo's own wards: the yellow banner shows on every page.
            ward = Unit(code=f"000.91.{index:02d}.H26", name=f"Phường Thử Tải {index + 1:02d}", kind=UnitKind.WARD,
                        parent=city, is_demo=True)
            db.session.add(ward)
            db.session.flush()
            ward.refresh_path()
            for offering in template:
                copy = Offering(unit=ward, procedure_id=offering.procedure_id, active_from=offering.active_from,
                                at_desk=offering.at_desk, online_kind=offering.online_kind)
                copy.set_committed_time(offering.committed_value, offering.committed_unit)
                db.session.add(copy)
            ward_list.append(ward)
        ward_list = ward_list[:wards]

        def account(prefix: str, number: int, name: str, role: Role, unit: Unit) -> dict:
            user = User(username=f"thutai.{prefix}.{number:02d}", full_name=f"{name} thử tải {number:02d}",
                        role=role, unit=unit)
            user.set_password(PASSWORD)
            db.session.add(user)
            return {"username": user.username, "unit_id": unit.id, "unit_code": unit.code}

        plan.clerks = [account("motcua", n + 1, "Cán bộ một cửa", Role.CLERK, ward_list[n % len(ward_list)])
                       for n in range(clerks)]
        plan.chairs = [account("chutich", n + 1, "Chủ tịch", Role.CHAIR, ward_list[n % len(ward_list)])
                       for n in range(chairs)]
        plan.officers = [account("thanhpho", n + 1, "Chuyên viên", Role.OFFICER, city) for n in range(officers)]
        db.session.commit()
        if history_months:
            summary = load_demo_dossiers(today, history_per_day, history_months)
            plan.history = summary.dossiers if summary else 0
        for year in (today.year - 1, today.year):
            load_default_rubrics(year)
        db.session.commit()
        plan.quarterly_url = _quarterly_url(app)
    return plan


def _quarterly_url(app) -> str | None:
    """The quarterly report's PDF, if that route exists in this version of the app (issue 6)."""
    for rule in app.url_map.iter_rules():
        text = rule.rule
        if "quarter" in (text + rule.endpoint).lower() and text.endswith(".pdf") and "unit_id" in rule.arguments:
            # Without year and quarter the route prints the reporting quarter of today.
            return re.sub(r"<(int:)?unit_id>", "{unit_id}", text)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reset_limiter_counts(redis_uri: str) -> None:
    """Empty the bench's own Redis database, so that an earlier run's login counts do not carry over."""
    import redis

    redis.Redis.from_url(redis_uri).flushdb()


def start_server(database_url: str, port: int, workers: int, redis_uri: str, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "APP_ENV": "production", "DATABASE_URL": database_url,
           "SECRET_KEY": secrets.token_hex(32), "RATELIMIT_STORAGE_URI": redis_uri,
           "LOGIN_LIMITS": LOAD_LOGIN_LIMITS,
           # Plain HTTP on the loopback (no TLS proxy in front): a Secure cookie would never come back.
           "SESSION_COOKIE_SECURE": "0", "TRUSTED_PROXIES": "0",
           # A worker killed by a C-level fault prints every thread's Python stack to the log.
           "PYTHONFAULTHANDLER": "1"}
    command = [str(APP_BIN / "gunicorn")]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["--config", str(ROOT / "gunicorn.conf.py")]
    else:
        command += ["--timeout", "30", "--graceful-timeout", "10"]
    # No control socket: its default path is shared by every gunicorn on the machine.
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--no-control-socket", "wsgi:app"]
    log = open(log_path, "w", encoding="utf-8")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log_path}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def start_locust(plan_path: Path, port: int, users: int, duration: int, log_path: Path) -> subprocess.Popen:
    if not LOCUST.exists():
        raise SystemExit("locust is missing: python3.11 -m venv .venv-bench && "
                         ".venv-bench/bin/python -m pip install -r bench/requirements.txt")
    command = [str(LOCUST), "-f", str(ROOT / "bench" / "_locustfile.py"), "--headless", "--only-summary",
               "--host", f"http://127.0.0.1:{port}", "--users", str(users), "--spawn-rate", "20",
               "--run-time", f"{duration}s", "--stop-timeout", "10", "--exit-code-on-error", "0",
               "--loglevel", "WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, "BENCH_PLAN": str(plan_path)},
                            stdout=open(log_path, "w", encoding="utf-8"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_locust(process: subprocess.Popen, duration: int) -> None:
    try:
        process.wait(timeout=duration + 120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise SystemExit("locust did not stop by itself; killed")


@dataclass
class Log:
    requests: list[dict]
    saved: list[dict]

    @classmethod
    def read(cls, path: Path) -> "Log":
        requests, saved = [], []
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            (saved if "saved" in entry else requests).append(entry)
        return cls(requests, saved)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0.5 is the median of an odd count)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def page_table(requests: list[dict], seconds: float) -> tuple[int, int]:
    """Print requests, p50 and p95 per page; return (errors, unexpected answers)."""
    pages: dict[str, list[dict]] = {}
    for entry in requests:
        pages.setdefault(entry["page"], []).append(entry)
    print(f"  {'page':<30} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'other':>6}")
    errors = unexpected = 0
    for page in sorted(pages, key=lambda name: -len(pages[name])):
        rows = pages[page]
        times = [row["ms"] for row in rows if row["kind"] == "ok"] or [0.0]
        page_errors = sum(row["kind"] in ("server", "connection") for row in rows)
        page_other = sum(row["kind"] == "unexpected" for row in rows)
        errors += page_errors
        unexpected += page_other
        print(f"  {page:<30} {len(rows):>8} {percentile(times, .5):>8.0f} {percentile(times, .95):>8.0f} "
              f"{page_errors:>7} {page_other:>6}")
    times = [row["ms"] for row in requests if row["kind"] == "ok"] or [0.0]
    print(f"  {'all':<30} {len(requests):>8} {percentile(times, .5):>8.0f} {percentile(times, .95):>8.0f} "
          f"{errors:>7} {unexpected:>6}")
    print(f"  {len(requests)} requests in {seconds:.0f} s: {len(requests) / seconds:.1f} requests per second "
          f"(errors = HTTP 5xx or no answer; other = an answer the page should not give, e.g. 4xx)")
    return errors, unexpected


@dataclass
class Check:
    saved: int = 0
    missing: list = field(default_factory=list)
    wrong_code: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    groups: int = 0
    dossiers: int = 0
    today_groups: int = 0
    today_dossiers: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.wrong_code or self.duplicates or self.gaps)


def check_database(database_url: str, saved: list[dict], today: date) -> Check:
    """Every dossier answered as saved is there with its code; codes unique; each unit's day numbered 1..N."""
    check = Check(saved=len(saved))
    wanted = {entry["saved"]: entry["code"] for entry in saved if entry["saved"]}
    with psycopg.connect(database_url) as conn:
        found = dict(conn.execute("SELECT id, code FROM dossiers WHERE id = ANY(%s)", [list(wanted)]).fetchall())
        check.missing = sorted(set(wanted) - set(found))
        check.wrong_code = sorted(i for i, code in wanted.items() if code and i in found and found[i] != code)
        check.duplicates = conn.execute(
            "SELECT code, count(*) FROM dossiers GROUP BY code HAVING count(*) > 1").fetchall()
        # Code = {agency}-{YYMMDD}-{NNNN}: the day and the number are its last 11 and 4 characters.
        rows = conn.execute("""
            WITH numbered AS (
                SELECT unit_id, substr(code, length(code) - 10, 6) AS day,
                       CAST(right(code, 4) AS integer) AS number
                FROM dossiers)
            SELECT n.unit_id, n.day, count(*), count(DISTINCT n.number), min(n.number), max(n.number),
                   max(c.last_number)
            FROM numbered n
            LEFT JOIN dossier_counters c
                   ON c.unit_id = n.unit_id AND to_char(c.day, 'YYMMDD') = n.day
            GROUP BY n.unit_id, n.day""").fetchall()
    today_key = today.strftime("%y%m%d")
    for unit_id, day, count, distinct, low, high, counter in rows:
        check.groups += 1
        check.dossiers += count
        if day == today_key:
            check.today_groups += 1
            check.today_dossiers += count
        if not (count == distinct == high == counter and low == 1):
            check.gaps.append((unit_id, day, count, distinct, low, high, counter))
    return check


def print_check(check: Check) -> None:
    print(f"  dossiers answered as saved (303): {check.saved}; missing from the database: {len(check.missing)}"
          f"{' ' + str(check.missing[:10]) if check.missing else ''}; code differs: {len(check.wrong_code)}")
    print(f"  codes: {check.dossiers} dossiers in {check.groups} (unit, day) groups, {check.today_dossiers} of them "
          f"today in {check.today_groups} groups; duplicate codes: {len(check.duplicates)}; "
          f"groups not numbered 1..N (= counter): {len(check.gaps)}{' ' + str(check.gaps[:5]) if check.gaps else ''}")


def server_log_summary(log_path: Path) -> str:
    text = log_path.read_text(encoding="utf-8", errors="replace")
    deaths = re.findall(r"Worker \(pid:\d+\) (?:was sent \w+|exited with code \d+)", text)
    return (f"tracebacks in the server's log: {text.count('Traceback (most recent call last)')}; "
            f"workers that died: {len(deaths)}{' (' + '; '.join(deaths) + ')' if deaths else ''}; "
            f"fatal errors: {text.count('Fatal Python error')}")


class PrivateCluster:
    """A throwaway PostgreSQL 15 server of our own (initdb under /tmp, run as the postgres user), so that
    restarting it disturbs nobody else's database on this machine."""

    def __init__(self, port: int, directory: Path):
        self.port, self.directory = port, directory
        self.data = directory / "data"

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=check, capture_output=True, text=True)

    def create(self) -> None:
        self.destroy()
        self.directory.mkdir(parents=True)
        shutil.chown(self.directory, "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                          "-E", "UTF8", "--locale", "C.UTF-8")
        self.start()

    def start(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "server.log"),
                          "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1", "-w", "start")

    def stop(self) -> None:
        # Fast shutdown: open transactions are rolled back and connections closed, as in a restart.
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop",
                              check=False)
        shutil.rmtree(self.directory, ignore_errors=True)
