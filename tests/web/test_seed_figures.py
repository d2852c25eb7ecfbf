"""The seed figures of DOMAIN.md (4,403 + 997 on time, 144/174) reproduced from registers built to match them.

Ward Phúc La, first 9 months of 2022: 4,403 dossiers of online level 1–2 and 997 of level 3–4, all
resolved early or on time (100%); 144 of the 174 procedures at the desk shortened (82.8%, reported as
83%); 179 procedures published. The catalog, the offerings file and the register are built here, loaded
through the same importers a ward would use, and the figures read back with `flask report figures`.

How levels map to channels: Decree 43/2011 level 3 is online submission and level 4 online submission
and payment, so a level 3–4 dossier was submitted online (channel `online`); levels 1–2 only put
information and forms online, so the dossier itself was handed in at the desk (channel `direct`).
Report 06 counts "new online" by channel, so the online count is the 997 level 3–4 dossiers.
"""
import csv
import json
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.catalog.offerings_import import import_offerings
from app.dossiers.models import Dossier
from app.dossiers.register_format import COLUMNS
from app.dossiers.register_writing import import_register
from app.extensions import db
from app.stats.figures import report_06
from app.units.models import UnitKind
from app.worktime.clock import calendar_for
from app.worktime.deadlines import TimeUnit, due_at
from conftest import make_procedure, make_unit

CITY, DISTRICT, WARD = "000.00.00.H26", "000.00.27.H26", "000.27.15.H26"
FIRST_DAY, LAST_DAY = date(2022, 1, 1), date(2022, 9, 30)
LEVEL_1_2, LEVEL_3_4 = 4_403, 997
PUBLISHED, AT_DESK, SHORTENED = 179, 174, 144
FIELDS = ["Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội", "Người có công", "Văn hóa cơ sở",
          "Thi đua, khen thưởng"]
# (statutory time, the unit's shortened commitment) by kind of limit.
LIMITS = [
    (8, 4, TimeUnit.WORKING_HOURS),
    (5, 3, TimeUnit.WORKING_DAYS),
    (10, 7, TimeUnit.WORKING_DAYS),
    (15, 10, TimeUnit.DAYS),
]


def limit_of(index: int) -> tuple[int, int, TimeUnit]:
    return LIMITS[index % len(LIMITS)]


@pytest.fixture
def phuc_la(app, tmp_path):
    """Phúc La under Hà Đông under Hà Nội; 179 procedures offered from 2021: the first 144 shortened,
    the next 30 at their statutory time, the last 5 not at the desk (shortened, so that counting them
    would show)."""
    city = make_unit(CITY, "Thành phố Hà Nội", UnitKind.CITY)
    district = make_unit(DISTRICT, "Quận Hà Đông", UnitKind.DISTRICT, city)
    ward = make_unit(WARD, "Phường Phúc La", UnitKind.WARD, district)
    procedures = []
    for index in range(PUBLISHED):
        statutory, _, unit = limit_of(index)
        procedures.append(make_procedure(f"2.{index + 1:06d}", field=FIELDS[index % len(FIELDS)],
                                         value=statutory, unit=unit))
    db.session.commit()

    lines = ["unit_code,procedure_code,committed_value,committed_unit,at_desk,online_kind,active_from"]
    for index, procedure in enumerate(procedures):
        statutory, shortened, unit = limit_of(index)
        committed = statutory if SHORTENED <= index < AT_DESK else shortened
        at_desk = "yes" if index < AT_DESK else "no"
        online = ["toan_trinh", "mot_phan", "none"][index % 3]
        lines.append(f"{WARD},{procedure.code},{committed},{unit.value},{at_desk},{online},2021-01-01")
    path = tmp_path / "phuc-la-offerings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_offerings(path) == {"created": PUBLISHED, "updated": 0, "unchanged": 0}
    return ward, procedures


def register_rows(ward, procedures) -> list[dict[str, str]]:
    """The ward's register for January–September 2022: 5,400 dossiers of the desk's procedures received
    in office hours on working days, every one finished before or on its due date within the period."""
    calendar = calendar_for(ward)
    working_days = [FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
    working_days = [day for day in working_days if calendar.is_working_day(day)]
    levels = (["1", "2"] * (LEVEL_1_2 // 2) + ["1"] * (LEVEL_1_2 % 2)
              + ["3", "4"] * (LEVEL_3_4 // 2) + ["3"] * (LEVEL_3_4 % 2))
    random.Random(2022).shuffle(levels)
    rows = []
    for number, level in enumerate(levels):
        index = number % AT_DESK
        statutory, shortened, unit = limit_of(index)
        committed = shortened if index < SHORTENED else statutory
        day = working_days[number % len(working_days)]
        slot = number // len(working_days)  # about 29 a day, 16 minutes apart from 08:00
        received_at = datetime.combine(day, time(8, 0)) + timedelta(minutes=16 * slot)
        due = due_at(calendar, received_at, Decimal(committed), unit)
        # One in five finished at the very time it was due (on time), the others half an hour after receipt.
        finished_at = due if number % 5 == 0 and due.date() <= LAST_DAY else received_at + timedelta(minutes=30)
        rows.append({
            "unit_code": WARD, "procedure_code": procedures[index].code,
            "channel": "online" if level in ("3", "4") else "direct", "online_kind": level,
            "applicant_name": f"Công dân Phúc La {number + 1:04d}", "received_at": f"{received_at:%Y-%m-%dT%H:%M}",
            "finished_at": f"{finished_at:%Y-%m-%dT%H:%M}", "outcome": "approved",
            "returned_at": f"{finished_at + timedelta(hours=1):%Y-%m-%dT%H:%M}",
        })
    return rows


def write_register(tmp_path, rows) -> str:
    path = tmp_path / "phuc-la-2022.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def test_the_seed_figures_of_phuc_la_come_back_from_its_register_and_offerings(app, phuc_la, tmp_path):
    ward, procedures = phuc_la
    rows = register_rows(ward, procedures)
    assert len(rows) == LEVEL_1_2 + LEVEL_3_4 == 5_400

    report = import_register(write_register(tmp_path, rows), now=datetime(2022, 10, 1, 8, 0), default_rule="pause")
    assert (report.created, report.unchanged, report.codes_assigned) == (5_400, 0, 5_400)

    result = app.test_cli_runner().invoke(args=["report", "figures", "--unit", WARD, "--from", "2022-01-01",
                                                "--to", "2022-09-30", "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)

    assert (figures["unit"], figures["from"], figures["to"]) == (WARD, "2022-01-01", "2022-09-30")
    assert figures["received"] == {"total": 5_400, "carried_over": 0, "online": LEVEL_3_4,
                                   "direct_or_post": LEVEL_1_2}
    assert figures["resolved"]["total"] == 5_400
    assert figures["resolved"]["late"] == 0
    assert figures["resolved"]["early"] + figures["resolved"]["on_time"] == 5_400
    assert figures["resolved"]["on_time"] > 0 and figures["resolved"]["early"] > 0
    assert figures["pending"] == {"total": 0, "within_time": 0, "overdue": 0}
    assert figures["on_time_rate"] == 1.0
    assert figures["online_share"] == round(LEVEL_3_4 / 5_400, 4) == 0.1846
    assert figures["procedures"] == {"offered": 174, "shortened": 144, "shortened_share": 0.8276}
    assert f"{figures['procedures']['shortened_share']:.0%}" == "83%"
    assert sum(row["received"] for row in figures["by_field"]) == 5_400
    assert {row["field"] for row in figures["by_field"]} == set(FIELDS)

    # 179 published, 174 of them at the desk; the district and the city report the same figures.
    assert report_06(ward, FIRST_DAY, LAST_DAY).offerings["offered"] == PUBLISHED
    city = ward.parent.parent
    assert {**report_06(city, FIRST_DAY, LAST_DAY).as_json(), "satisfaction": figures["satisfaction"]} == {**figures, "unit": CITY}

    # The levels are kept as recorded: level 3–4 is exactly what came in online.
    levels = dict(db.session.execute(select(Dossier.legacy_online_level, func.count())
                                     .group_by(Dossier.legacy_online_level)).all())
    channels = dict(db.session.execute(select(Dossier.channel, func.count()).group_by(Dossier.channel)).all())
    assert levels[1] + levels[2] == LEVEL_1_2 and levels[3] + levels[4] == LEVEL_3_4
    assert channels == {"direct": LEVEL_1_2, "online": LEVEL_3_4}
