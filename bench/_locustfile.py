"""Locust users of bench/load.py and bench/faults.py: desk clerks, ward chairs and a city officer.

Run by those scripts from the bench virtualenv (`.venv-bench`, locust only, no app code), with
BENCH_PLAN pointing at the JSON they wrote: the accounts, their units, the log file. Every request
and every dossier answered as saved goes to that log, one JSON object a line, for the scripts to
count; locust only schedules the users and speaks HTTP.

Each user signs in through the real form, parses the CSRF token from the pages like a browser and
sends the htmx headers where the page would.
"""
import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from urllib.parse import quote

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())
THINK = float(PLAN.get("think", 1.0))
_log = open(PLAN["log"], "a", encoding="utf-8", buffering=1)
_accounts = {role: itertools.cycle(PLAN[role]) for role in ("clerks", "chairs", "officers")}

DOSSIER_LOCATION = re.compile(r"/dossiers/(\d+)(?:\?|$)")
DOSSIER_CODE = re.compile(r"<h1>Hồ sơ <code>([^<]+)</code>")
DOSSIER_LINK = re.compile(r'href="/dossiers/(\d+)"')
INTAKE_FORM = re.compile(r'<form method="post" action="/dossiers/new".*?</form>', re.S)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Đức Dũng", "Thu Hà", "Ngọc Lan", "Quang Long", "Thị Mai", "Hữu Nam"]
# The life the clerks give their dossiers, one step a visit (the lifecycle's actions and their inputs).
STEPS = [("hand_over", {"to_office": "Công chức Tư pháp - Hộ tịch", "note": ""}),
         ("finish", {"outcome": "approved", "note": ""}),
         ("return_result", {"note": ""})]


def record(**entry) -> None:
    _log.write(json.dumps(entry, ensure_ascii=False) + "\n")


def classify_failure(status: int, body: str) -> str:
    """How a failed answer looks to a person: the app's own Vietnamese page, a bare one, or a traceback."""
    if "Traceback (most recent call last)" in body or 'File "/' in body:
        return "traceback"
    # The error page (errors/error.html), or for an htmx request its alert fragment (errors/_alert.html).
    if 'class="panel error-page"' in body or 'class="flash flash-error" role="alert"' in body:
        return "friendly"
    return "plain"


class FormFields(HTMLParser):
    """The values a browser would submit: inputs, checked boxes, selected options, textareas."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields[name] = a.get("value") or "y"
            else:
                self.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            self.options[self._select].append(value)
            if "selected" in a or self._select not in self.fields:
                self.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


class DeskUser(FastHttpUser):
    abstract = True
    role = ""
    connection_timeout = 10.0
    network_timeout = 30.0

    def on_start(self):
        self.account = next(_accounts[self.role])
        self.rng = random.Random(self.account["username"])
        self.signed_in = False
        self.sign_in()

    def call(self, method: str, url: str, page: str, expect=(200,), **kwargs):
        """One request, logged with its page name, status, time and, if it failed, how it looked."""
        headers = kwargs.pop("headers", {})
        started = time.time()
        with self.client.request(method, url, name=page, headers=headers, catch_response=True,
                                 allow_redirects=False, **kwargs) as response:
            elapsed = (time.time() - started) * 1000
            status = response.status_code or 0
            body = (response.text or "") if status else ""
            entry = {"t": round(started, 3), "ms": round(elapsed, 1), "page": page, "status": status}
            if status == 0:
                entry.update(kind="connection", error=type(response.error).__name__ if response.error else "")
                response.failure(f"connection: {response.error!r}")
            elif status >= 500:
                entry.update(kind="server", look=classify_failure(status, body))
                if entry["look"] != "friendly":
                    entry["body"] = body[:2000]  # for the report: what a person would have seen
                response.failure(f"HTTP {status}")
            elif status not in expect:
                entry.update(kind="unexpected")
                response.failure(f"HTTP {status}, expected {expect}")
            else:
                entry.update(kind="ok")
                response.success()
            record(**entry)
            return (status, body, response.headers.get("Location") or "") if entry["kind"] == "ok" else None

    def sign_in(self):
        page = self.call("GET", "/login", "login form")
        if page is None:
            return
        token = FormFields(page[1]).fields.get("csrf_token", "")
        answer = self.call("POST", "/login", "login (POST)", expect=(302,), data={
            "csrf_token": token, "username": self.account["username"], "password": PLAN["password"]})
        self.signed_in = answer is not None

    def guard(self) -> bool:
        """Sign in again if the first try failed (for example during the database outage)."""
        if not self.signed_in:
            self.sign_in()
        return self.signed_in


class Clerk(DeskUser):
    """A one-stop desk clerk: registers dossiers and moves her own through hand-over, result, return."""

    role = "clerks"
    fixed_count = PLAN["counts"]["clerks"]
    wait_time = between(1 * THINK, 4 * THINK)

    def on_start(self):
        self.open_dossiers: dict[int, int] = {}  # dossier id → index of its next step in STEPS
        self.offerings: list[str] = []
        super().on_start()

    @task(4)
    def register(self):
        if not self.guard():
            return
        page = self.call("GET", "/dossiers/new", "intake form")
        if page is None:
            return
        form = INTAKE_FORM.search(page[1])
        fields = FormFields(form.group(0) if form else page[1])
        self.offerings = [value for value in fields.options.get("offering_id", []) if value not in ("", "0")]
        if not self.offerings:
            return
        data = dict(fields.fields)
        offering = self.rng.choice(self.offerings)
        checklist = self.call("GET", f"/dossiers/new/procedure?offering_id={offering}"
                              f"&received_at={quote(data.get('received_at', ''))}", "intake: checklist (htmx)",
                              headers={"HX-Request": "true", "HX-Target": "intake-procedure"})
        if checklist is None:
            return
        data.update(FormFields(checklist[1]).fields)
        number = self.rng.randrange(10**9)
        data.update(offering_id=offering, applicant_name=f"{self.rng.choice(FAMILY)} {self.rng.choice(GIVEN)}",
                    applicant_id_number=f"001{number:09d}", applicant_phone=f"09{number % 10**8:08d}",
                    applicant_address="Số 1 phố Thử Tải", applicant_email="")
        saved = self.call("POST", "/dossiers/new", "intake: save (POST)", expect=(303,), data=data)
        if saved is None:
            return
        match = DOSSIER_LOCATION.search(saved[2])
        dossier_id = int(match.group(1)) if match else None
        # Where the browser goes next (the dossier's page, which may offer the receipt to print).
        detail = self.call("GET", saved[2], "dossier page") if dossier_id else None
        code = DOSSIER_CODE.search(detail[1]).group(1) if detail and DOSSIER_CODE.search(detail[1]) else None
        # Answered with success: this dossier must be in the database, whatever happens next.
        record(saved=dossier_id, code=code, location=saved[2], t=round(time.time(), 3))
        if dossier_id:
            self.open_dossiers[dossier_id] = 0

    @task(3)
    def move(self):
        if not self.open_dossiers or not self.guard():
            return
        dossier_id = self.rng.choice(list(self.open_dossiers))
        page = self.call("GET", f"/dossiers/{dossier_id}", "dossier page")
        if page is None:
            return
        offered = set(re.findall(r'name="action" value="([a-z_]+)"', page[1]))
        # The next step the page offers: one may be done already if its answer was lost (an outage).
        stage = next((n for n in range(self.open_dossiers[dossier_id], len(STEPS)) if STEPS[n][0] in offered), None)
        if stage is None:
            del self.open_dossiers[dossier_id]
            return
        action, extra = STEPS[stage]
        version = re.search(rf'value="{action}">\s*<input type="hidden" name="version" value="(\d+)"', page[1])
        data = {"csrf_token": FormFields(page[1]).fields.get("csrf_token", ""), "action": action,
                "version": version.group(1) if version else "0", **extra}
        done = self.call("POST", f"/dossiers/{dossier_id}/act", f"act: {action} (POST)", expect=(303,), data=data)
        if done is not None:
            self.call("GET", done[2], "dossier page")
            if stage + 1 < len(STEPS):
                self.open_dossiers[dossier_id] = stage + 1
            else:
                del self.open_dossiers[dossier_id]

    @task(1)
    def desk_lists(self):
        if self.guard():
            self.call("GET", "/", "home (desk lists)")

    @task(1)
    def search(self):
        if self.guard():
            self.call("GET", f"/dossiers/?q={self.rng.choice(['nguyen', 'tran thi', 'le van'])}",
                      "search (htmx rows)", headers={"HX-Request": "true"})


class Chair(DeskUser):
    """A ward chair: the home page, the unit's figures, a recent dossier's receipt, the quarterly paper."""

    role = "chairs"
    fixed_count = PLAN["counts"]["chairs"]
    wait_time = between(2 * THINK, 6 * THINK)

    @task(2)
    def dashboard(self):
        if self.guard():
            self.call("GET", f"/units/{self.account['unit_id']}/figures", "dashboard (figures)")

    @task(1)
    def period(self):
        if self.guard():
            self.call("GET", f"/units/{self.account['unit_id']}/figures?period=quarter", "figures: quarter (htmx)",
                      headers={"HX-Request": "true"})

    @task(1)
    def home(self):
        if self.guard():
            self.call("GET", "/", "home (desk lists)")

    @task(1)
    def receipt(self):
        if not self.guard():
            return
        listing = self.call("GET", "/dossiers/?sort=received_desc", "dossier list")
        ids = DOSSIER_LINK.findall(listing[1]) if listing else []
        if ids:
            self.call("GET", f"/dossiers/{self.rng.choice(ids[:10])}/receipt.pdf", "receipt PDF")

    @task(1)
    def quarterly(self):
        if PLAN.get("quarterly_url") and self.guard():
            self.call("GET", PLAN["quarterly_url"].replace("{unit_id}", str(self.account["unit_id"])),
                      "quarterly report PDF")


class Officer(DeskUser):
    """A city officer: the comparison of the wards and the city's figures."""

    role = "officers"
    fixed_count = PLAN["counts"]["officers"]
    wait_time = between(3 * THINK, 8 * THINK)

    @task(2)
    def comparison(self):
        if self.guard():
            self.call("GET", f"/units/{self.account['unit_id']}/comparison", "comparison (city)")

    @task(1)
    def figures(self):
        if self.guard():
            self.call("GET", f"/units/{self.account['unit_id']}/figures", "dashboard (city)")


@events.quitting.add_listener
def _close_log(environment, **_kwargs):
    _log.flush()
