"""Build small data folders for tests: dicts in, the four files out.

``tiny()`` is an instance that is easy to understand: two neighbouring regions (alpha and
beta, 60 km apart), 20 officers each in two districts, one 20-seat venue and two NGOs each,
two trainers, a two-week window in June 2009 with no public holiday, one session a region.
Tests change one thing in it so that exactly one rule binds or breaks.
"""

from __future__ import annotations

import copy
import csv
import io
import math
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from trafficplan.plan import Plan, PlanSession

SPEC_RULE_IDS = (
    "calendar",
    "counts",
    "fixed",
    "venue_clash",
    "venue_unavailable",
    "region_per_day",
    "seats",
    "officer_once",
    "officer_region",
    "officer_unavailable",
    "district_share",
    "trainer_count",
    "trainer_region",
    "trainer_unavailable",
    "trainer_per_day",
    "trainer_per_week",
    "trainer_consecutive",
    "trainer_max_sessions",
    "travel",
    "ngo_count",
    "ngo_region",
    "ngo_unavailable",
    "ngo_per_day",
    "ngo_per_week",
    "budget",
    "course_order",
)
"""The spec's rule ids in the spec's order (section 2, then 7.1), typed here from the spec, so that
tests hold the solver's and the checker's lists against it."""


ALPHA = [f"ALP-{i:04d}" for i in range(1, 21)]
"""The tiny instance's officers of region alpha, in id order."""
BETA = [f"BET-{i:04d}" for i in range(1, 21)]
"""The tiny instance's officers of region beta, in id order."""


def tiny_session(
    session_id: str,
    day: int,
    trainer: str,
    officers: list[str],
    ngo: str | None = None,
    held: bool = False,
) -> PlanSession:
    """A session of the tiny instance on ``day`` June 2009 at its region's hall (the region
    is the id's first part), with one trainer and the region's first NGO unless ``ngo``."""
    region = session_id.split("-")[0]
    return PlanSession(
        id=session_id,
        region=region,
        venue=f"{region}-hall",
        date=date(2009, 6, day),
        trainers=[trainer],
        ngos=[ngo or f"{region}-ngo"],
        officers=officers,
        held=held,
    )


def two_a_region() -> Plan:
    """Two sessions a region: alpha on 1 and 8 June, beta on 2 and 9 June, 10 officers each."""
    sessions = [
        tiny_session(f"{region}-0{index + 1}", day, trainer, officers[index * 10 : index * 10 + 10])
        for region, officers, days, trainer in (
            ("alpha", ALPHA, (1, 8), "t01"),
            ("beta", BETA, (2, 9), "t02"),
        )
        for index, day in enumerate(days)
    ]
    return Plan(status="feasible", sessions=sessions)


def tiny() -> dict[str, Any]:
    """The dicts of the tiny instance (a fresh deep copy each call)."""
    regions = {
        "regions": [
            {
                "id": "alpha",
                "name": "Alpha",
                "centre": {"city": "Alpha City", "lat": 50.0, "lon": 30.0},
                "districts": ["alpha-north", "alpha-south"],
                "venues": [{"id": "alpha-hall", "name": "Alpha Hall", "capacity": 20}],
                "ngos": [
                    {"id": "alpha-ngo", "name": "Alpha Women's Centre"},
                    {"id": "alpha-ngo2", "name": "Alpha Caritas"},
                ],
            },
            {
                "id": "beta",
                "name": "Beta",
                "centre": {"city": "Beta City", "lat": 50.0, "lon": 30.84},
                "districts": ["beta-east", "beta-west"],
                "venues": [{"id": "beta-hall", "name": "Beta Hall", "capacity": 20}],
                "ngos": [
                    {"id": "beta-ngo", "name": "Beta Women's Centre"},
                    {"id": "beta-ngo2", "name": "Beta Caritas"},
                ],
            },
        ]
    }
    trainers = {
        "trainers": [
            {
                "id": "t01",
                "name": "Olena Kovalenko",
                "home": {"city": "Alpha City", "lat": 50.0, "lon": 30.0},
                "day_rate_eur": 100,
            },
            {
                "id": "t02",
                "name": "Petro Shevchenko",
                "home": {"city": "Beta City", "lat": 50.0, "lon": 30.84},
                "day_rate_eur": 120,
            },
        ]
    }
    officers = []
    for region, districts, code in (
        ("alpha", ["alpha-north", "alpha-south"], "ALP"),
        ("beta", ["beta-east", "beta-west"], "BET"),
    ):
        for i in range(20):
            officers.append(
                {
                    "id": f"{code}-{i + 1:04d}",
                    "name": f"Офіцер {code} {i + 1}",
                    "region": region,
                    "district": districts[i % 2],
                    "unavailable": "",
                }
            )
    constraints = {
        "window": {"start": "2009-06-01", "end": "2009-06-12"},
        "calendar": {"weekdays": ["mon", "tue", "wed", "thu", "fri"], "holidays": None},
        "sessions": {
            "max_total": 2,
            "per_region": {"min": 1, "max": 1},
            "officers": {"min": 10, "max": 20},
            "max_per_region_per_day": 1,
            "fixed": [],
        },
        "trainers": {
            "per_session": 1,
            "max_per_week": 3,
            "max_consecutive_days": 2,
            "travel": {
                "road_factor": 1.3,
                "same_evening_km": 250,
                "km_per_day": 500,
                "eur_per_km": 0.2,
            },
        },
        "ngos": {"per_session": 1, "max_per_week": 2},
        "officers": {"max_district_share_per_day": 1.0},
        "objective": ["officers_trained", "cost_eur", "max_trainer_sessions"],
        "budget_eur": None,
    }
    return copy.deepcopy(
        {"regions": regions, "trainers": trainers, "officers": officers, "constraints": constraints}
    )


WIDE_START = "2009-01-05"
"""The first day of :func:`wide`'s window, a Monday."""
WIDE_END = "2010-01-01"
"""The last day of :func:`wide`'s window, a Friday 52 weeks later."""


SLOW_OBJECTIVE = ["officers_trained", "min_district_share", "cost_eur", "max_trainer_sessions"]
"""An objective no decomposition answers: ``min_district_share`` counts officers per district,
so the plan is searched in the full model with every officer class (:func:`slow_wide`)."""


def slow_wide() -> dict[str, Any]:
    """:func:`wide` with :data:`SLOW_OBJECTIVE`: the whole year is then searched in the full
    model, slow by its size whatever the machine (no plan within 60 s on 2 cores), while the
    window cut to its first day stays a small model proven in about a second."""
    data = wide()
    data["constraints"]["objective"] = list(SLOW_OBJECTIVE)
    return data


def wide(
    regions: int = 12, trainers: int = 24, sessions: int = 13, seats: int = 10
) -> dict[str, Any]:
    """The dicts of an instance whose size is set by its window (a fresh one each call).

    ``regions`` regions on a grid over Ukraine's extent (neighbours 330-410 km apart as the
    crow flies, so a trainer needs travel days between sessions in different regions), each
    with one district, one venue of ``seats`` seats, no NGO (``ngos.per_session`` 0) and
    ``seats x sessions`` officers who are never away; ``trainers`` trainers, two per region
    at its centre, with day rates from 100 to 149 EUR. A region holds 0 to ``sessions``
    sessions of ``seats / 2`` to ``seats`` officers, Monday to Friday, no public holidays.

    With the defaults: cut to its first day (``window.end`` = :data:`WIDE_START`), a region
    can hold one session at most, a small model proven optimal in about a second (0.7 s with
    one search worker on 2 cores, building included). The whole year (:data:`WIDE_START` to
    :data:`WIDE_END`): 12 sites x 24 trainers x 260 days are more than the solver's 60,000
    trainer-site-day choices, so only the cheapest trainers of each site are kept; the
    assignment relaxation's counts settle every level in about 7 s. For a search that is
    slow by its size, see :func:`slow_wide`.
    """
    columns = math.ceil(math.sqrt(regions))
    rows = math.ceil(regions / columns)
    region_list = []
    officers = []
    for index in range(regions):
        rid = f"r{index + 1:02d}"
        row, column = divmod(index, columns)
        centre = {
            "city": f"City {index + 1}",
            "lat": round(46.0 + row * 6.0 / max(1, rows - 1), 4),
            "lon": round(23.0 + column * 16.0 / max(1, columns - 1), 4),
        }
        region_list.append(
            {
                "id": rid,
                "name": f"Region {index + 1}",
                "centre": centre,
                "districts": [f"{rid}-district"],
                "venues": [{"id": f"{rid}-hall", "name": f"Hall {index + 1}", "capacity": seats}],
                "ngos": [],
            }
        )
        for number in range(seats * sessions):
            officers.append(
                {
                    "id": f"{rid.upper()}-{number + 1:04d}",
                    "name": f"Officer {rid} {number + 1}",
                    "region": rid,
                    "district": f"{rid}-district",
                    "unavailable": "",
                }
            )
    trainer_list = [
        {
            "id": f"t{index + 1:02d}",
            "name": f"Trainer {index + 1}",
            "home": dict(region_list[index * regions // trainers]["centre"]),
            "day_rate_eur": 100 + (7 * index) % 50,
        }
        for index in range(trainers)
    ]
    constraints = {
        "window": {"start": WIDE_START, "end": WIDE_END},
        "calendar": {"weekdays": ["mon", "tue", "wed", "thu", "fri"], "holidays": None},
        "sessions": {
            "max_total": None,
            "per_region": {"min": 0, "max": sessions},
            "officers": {"min": seats // 2, "max": seats},
            "max_per_region_per_day": 1,
            "fixed": [],
        },
        "trainers": {
            "per_session": 1,
            "max_per_week": 3,
            "max_consecutive_days": 2,
            "travel": {
                "road_factor": 1.3,
                "same_evening_km": 250,
                "km_per_day": 500,
                "eur_per_km": 0.2,
            },
        },
        "ngos": {"per_session": 0, "max_per_week": 2},
        "officers": {"max_district_share_per_day": 1.0},
        "objective": ["officers_trained", "cost_eur", "max_trainer_sessions"],
        "budget_eur": None,
    }
    return {
        "regions": {"regions": region_list},
        "trainers": {"trainers": trainer_list},
        "officers": officers,
        "constraints": constraints,
    }


def officers_csv(rows: list[dict[str, str]]) -> str:
    """Officer rows as the text of ``officers.csv``."""
    buffer = io.StringIO()
    fieldnames = ["id", "name", "region", "district", "unavailable"]
    if any("role" in row for row in rows):
        fieldnames.append("role")
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_data(folder: Path, data: dict[str, Any]) -> Path:
    """Write the four files of ``data`` (as from :func:`tiny`) into ``folder``; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("regions", "trainers", "constraints"):
        (folder / f"{name}.yaml").write_text(
            yaml.safe_dump(data[name], sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    (folder / "officers.csv").write_text(officers_csv(data["officers"]), encoding="utf-8")
    return folder


def crowded() -> dict[str, Any]:
    """The dicts of :func:`tiny` with more to choose from and more that binds, for the
    alternatives of a session and the reserves of a seat (:func:`crowded_plan` keeps every
    rule in it):

    - alpha has a second venue, ``alpha-room`` (12 seats, closed 3 June); ``alpha-ngo2`` is
      away 8-9 June; regions hold 1 to 3 sessions, two a day at most, 5 in all;
    - trainers t03 (alpha only, from a town 400 km away, away 10-12 June) and t04 (beta only,
      one session at most); two sessions a week, two days in a row, NGOs one a week;
    - ALP-0001 is away 4-5 June, ALP-0002 on 9 June; a district sends 8 of its 10 a day
      (share 0.8); sessions have 8 to 20 officers;
    - alpha's session on 2 June at alpha-hall is fixed.
    """
    data = tiny()
    alpha, beta = data["regions"]["regions"]
    alpha["venues"].append(
        {
            "id": "alpha-room",
            "name": "Alpha Room",
            "capacity": 12,
            "unavailable": ["2009-06-03"],
            "day_rate_eur": 30,
        }
    )
    alpha["ngos"][1]["unavailable"] = ["2009-06-08..2009-06-09"]
    for region in (alpha, beta):
        region["sessions"] = {"min": 1, "max": 3}
    data["trainers"]["trainers"] += [
        {
            "id": "t03",
            "name": "Iryna Bondar",
            "home": {"city": "Far Town", "lat": 48.0, "lon": 34.0},
            "regions": ["alpha"],
            "unavailable": ["2009-06-10..2009-06-12"],
            "day_rate_eur": 90,
        },
        {
            "id": "t04",
            "name": "Taras Melnyk",
            "home": {"city": "Beta City", "lat": 50.0, "lon": 30.84},
            "regions": ["beta"],
            "max_sessions": 1,
            "day_rate_eur": 110,
        },
    ]
    data["officers"][0]["unavailable"] = "2009-06-04..2009-06-05"
    data["officers"][1]["unavailable"] = "2009-06-09"
    constraints = data["constraints"]
    constraints["sessions"].update(
        {
            "max_total": 5,
            "officers": {"min": 8, "max": 20},
            "max_per_region_per_day": 2,
            "fixed": [{"region": "alpha", "date": "2009-06-02", "venue": "alpha-hall"}],
            "per_person_eur": 5,
        }
    )
    constraints["trainers"].update({"max_per_week": 2, "max_consecutive_days": 2})
    constraints["ngos"]["max_per_week"] = 1
    constraints["officers"]["max_district_share_per_day"] = 0.8
    return data


def crowded_plan() -> list[PlanSession]:
    """Four sessions that keep every rule of :func:`crowded`: alpha on 2 June (t01, ALP 1-12,
    the fixed one) and 4 June (t03, ALP 13-20), beta on 3 June (t02, BET 1-10) and 5 June
    (t04, BET 11-20)."""
    return [
        tiny_session("alpha-01", 2, "t01", ALPHA[:12]),
        tiny_session("alpha-02", 4, "t03", ALPHA[12:], ngo="alpha-ngo2"),
        tiny_session("beta-01", 3, "t02", BETA[:10]),
        tiny_session("beta-02", 5, "t04", BETA[10:], ngo="beta-ngo2"),
    ]


def two_stage(by: str = "district", min_days: int = 3) -> dict[str, Any]:
    """:func:`tiny` in two stages (spec 7.1): one head per district (role ``head``), a heads'
    course (one session a region, 1-10 heads) and the meetings after it (``min_days`` by
    ``by``); two weeks of window, one session a region a day."""
    data = tiny()
    for officer in data["officers"]:
        officer["role"] = "inspector"
    for region, districts, code in (
        ("alpha", ["alpha-north", "alpha-south"], "ALP"),
        ("beta", ["beta-east", "beta-west"], "BET"),
    ):
        for i, district in enumerate(districts):
            data["officers"].append(
                {
                    "id": f"{code}-H{i + 1:02d}",
                    "name": f"Керівник {code} {i + 1}",
                    "region": region,
                    "district": district,
                    "unavailable": "",
                    "role": "head",
                }
            )
    constraints = data["constraints"]
    constraints["sessions"]["max_total"] = 4
    constraints["courses"] = [
        {
            "id": "heads",
            "title": "Course for heads",
            "roles": ["head"],
            "per_region": {"min": 1, "max": 1},
            "officers": {"min": 1, "max": 10},
        },
        {
            "id": "meeting",
            "title": "Meeting",
            "roles": ["inspector"],
            "after": {"course": "heads", "min_days": min_days, "by": by},
        },
    ]
    return data
