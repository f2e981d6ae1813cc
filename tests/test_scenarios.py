"""Scenario keys: parsing ``KEY=VALUE``, resolving the file and the item, setting, dropping,
and validating the changed data like files.

All on the tiny instance (``datafactory.tiny``): regions alpha and beta (one venue, two NGOs,
two districts each), trainers t01 and t02, no fixed sessions, officers.max 20.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from datafactory import tiny, write_data
from trafficplan.errors import ExitCode, InputError, UsageError
from trafficplan.inputs import RawData, load_data, read_raw
from trafficplan.scenarios.edits import (
    apply_scenario,
    build_scenario,
    parse_assignment,
    write_scenario_data,
)


@pytest.fixture
def raw(tiny_folder: Path) -> RawData:
    """The tiny instance as parsed files."""
    return read_raw(tiny_folder)


def error_lines(excinfo: pytest.ExceptionInfo[InputError] | pytest.ExceptionInfo[UsageError]):
    return excinfo.value.lines()


# ----- KEY=VALUE ---------------------------------------------------------------------------------
def test_value_is_read_as_yaml_and_dates_stay_strings() -> None:
    assert parse_assignment("sessions.officers.max=30") == ("sessions.officers.max", 30)
    assert parse_assignment("officers.max_district_share_per_day=0.35")[1] == 0.35
    assert parse_assignment("budget_eur=null") == ("budget_eur", None)
    assert parse_assignment("window.end=2008-09-30") == ("window.end", "2008-09-30")
    # a range in a flow list is one item, not two
    assert parse_assignment("trainers.t02.unavailable=[2008-08-01..2008-08-31]") == (
        "trainers.t02.unavailable",
        ["2008-08-01..2008-08-31"],
    )
    # only the first '=' splits
    assert parse_assignment("regions.alpha.name=a=b") == ("regions.alpha.name", "a=b")


@pytest.mark.parametrize(
    "text",
    ["sessions.officers.max", "=30", "a..b=1", "sessions.=1", ".x=1"],
)
def test_malformed_assignment_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError) as excinfo:
        parse_assignment(text)
    assert excinfo.value.exit_code == ExitCode.USAGE
    assert len(excinfo.value.lines()) == 1


def test_value_that_is_not_yaml_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not valid YAML"):
        parse_assignment("trainers.t02.unavailable=[2008-08-01")


# ----- addressing --------------------------------------------------------------------------------
def test_constraints_key_without_prefix(raw: RawData) -> None:
    data, scenario = build_scenario(raw, ["sessions.officers.max=25"], [])
    assert data.constraints.sessions.officers.max == 25
    assert scenario.lines() == ["constraints.yaml: sessions.officers.max: 20 -> 25"]
    # the original parsed files are untouched
    assert raw.yaml["constraints.yaml"]["sessions"]["officers"]["max"] == 20


def test_constraints_prefix_forces_constraints(raw: RawData) -> None:
    data, _ = build_scenario(raw, ["constraints.trainers.max_per_week=1"], [])
    assert data.constraints.trainers.max_per_week == 1


def test_trainers_rule_versus_trainer_item(raw: RawData) -> None:
    # trainers.max_per_week is a constraints rule; trainers.t02.* is trainer t02 in trainers.yaml
    data, scenario = build_scenario(
        raw,
        ["trainers.max_per_week=4", "trainers.t02.unavailable=[2009-06-01..2009-06-05]"],
        [],
    )
    assert data.constraints.trainers.max_per_week == 4
    t02 = data.trainer_by_id["t02"]
    assert [str(r) for r in t02.unavailable] == ["2009-06-01..2009-06-05"]
    assert [c.file for c in scenario.changes] == ["constraints.yaml", "trainers.yaml"]


def test_list_items_by_id_and_by_index(raw: RawData) -> None:
    raw.yaml["constraints.yaml"]["sessions"]["fixed"] = [{"region": "alpha", "date": "2009-06-02"}]
    data, _ = build_scenario(
        raw,
        ["regions.alpha.venues.alpha-hall.capacity=30", "sessions.fixed.0.date=2009-06-04"],
        [],
    )
    assert data.venue_by_id["alpha-hall"].capacity == 30
    assert data.constraints.sessions.fixed[0].date.isoformat() == "2009-06-04"


def test_setting_a_valid_key_that_is_not_there_yet(raw: RawData) -> None:
    data, scenario = build_scenario(
        raw, ["regions.beta.sessions.min=1", "regions.beta.sessions.max=2", "budget_eur=500"], []
    )
    assert data.session_bounds("beta").max == 2
    assert data.constraints.budget_eur == 500
    assert "regions.yaml: regions.beta.sessions.min: (not set) -> 1" in scenario.lines()


def test_adding_a_trainer_and_a_fixed_session(raw: RawData) -> None:
    data, scenario = build_scenario(
        raw,
        [
            "trainers.t03={name: Iryna, home: {city: Beta City, lat: 50.0, lon: 30.84}, "
            "day_rate_eur: 90}",
            "sessions.fixed.0={region: beta, date: 2009-06-03, trainers: [t03]}",
        ],
        [],
    )
    assert [t.id for t in data.trainers] == ["t01", "t02", "t03"]
    assert data.constraints.sessions.fixed[0].trainers == ["t03"]
    assert [c.action for c in scenario.changes] == ["add", "add"]


def test_setting_a_date_set(raw: RawData) -> None:
    data, _ = build_scenario(
        raw,
        ["regions.alpha.venues.alpha-hall.unavailable=[2009-06-01, 2009-06-08..2009-06-09]"],
        [],
    )
    venue = data.venue_by_id["alpha-hall"]
    assert [str(r) for r in venue.unavailable] == ["2009-06-01", "2009-06-08..2009-06-09"]


# ----- unknown keys: exit 3 with the closest valid names -----------------------------------------
@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "sesions.officers.max=30",
            "constraints.yaml: sesions: unknown key 'sesions'; did you mean 'sessions'?",
        ),
        ("sessions.oficers.max=30", "did you mean 'officers'?"),
        ("trainers.max_per_wek=3", "did you mean 'max_per_week'?"),
        ("trainers.t2.unavailable=[]", "did you mean 't02'?"),
        (
            "regions.alfa.name=A",
            "regions.yaml: regions.alfa: no region 'alfa' in regions.yaml; did you mean 'alpha'?",
        ),
        ("regions.alpha.venues.alpha-hal.capacity=30", "did you mean 'alpha-hall'?"),
        ("regions.alpha.venues.alpha-hall.capacty=30", "did you mean 'capacity'?"),
        ("sessions.fixed.0.date=2009-06-02", "index 0 is out of range (the list is empty)"),
        ("window.end.day=3", "window.end: is a single value; it has no 'day'"),
    ],
)
def test_unknown_key_names_the_closest_valid_ones(raw: RawData, key: str, expected: str) -> None:
    with pytest.raises(InputError) as excinfo:
        apply_scenario(raw, [key], [])
    assert excinfo.value.exit_code == ExitCode.INVALID_INPUT
    [line] = excinfo.value.lines()
    assert expected in line


def test_unknown_key_without_close_match_lists_the_valid_keys(raw: RawData) -> None:
    with pytest.raises(InputError) as excinfo:
        apply_scenario(raw, ["sessions.zzz=1"], [])
    [line] = excinfo.value.lines()
    assert "valid keys: max_total, per_region, officers, max_per_region_per_day, fixed" in line


# ----- validation of the changed data, like files ------------------------------------------------
def test_invalid_value_is_reported_with_file_and_place(raw: RawData) -> None:
    with pytest.raises(InputError) as excinfo:
        build_scenario(raw, ["window.end=2009-06-31"], [])
    assert excinfo.value.lines() == [
        "constraints.yaml: window.end: '2009-06-31' is not a real date: "
        "the day does not exist (June 2009 has 30 days)"
    ]


def test_every_defect_is_reported(raw: RawData) -> None:
    with pytest.raises(InputError) as excinfo:
        build_scenario(
            raw, ["sessions.officers.min=30", "regions.alpha.venues.alpha-hall.capacity=0"], []
        )
    lines = excinfo.value.lines()
    assert len(lines) == 2
    assert lines[0].startswith("regions.yaml: regions.alpha.venues.alpha-hall.capacity:")
    assert lines[1].startswith("constraints.yaml: sessions.officers:")


# ----- dropping ----------------------------------------------------------------------------------
def test_dropping_a_trainer(raw: RawData) -> None:
    data, scenario = build_scenario(raw, [], ["trainers.t02"])
    assert [t.id for t in data.trainers] == ["t01"]
    assert scenario.lines() == ['trainers.yaml: drop trainers.t02 ("Petro Shevchenko")']


def test_dropping_a_venue_and_an_optional_key(raw: RawData) -> None:
    raw.yaml["constraints.yaml"]["budget_eur"] = 1000
    data, _ = build_scenario(raw, [], ["regions.alpha.venues.alpha-hall", "budget_eur"])
    assert data.region_by_id["alpha"].venues == []
    assert data.constraints.budget_eur is None


def test_dropping_several_fixed_entries_by_their_original_index(raw: RawData) -> None:
    raw.yaml["constraints.yaml"]["sessions"]["fixed"] = [
        {"region": "alpha", "date": "2009-06-02"},
        {"region": "beta", "date": "2009-06-03"},
        {"region": "alpha", "date": "2009-06-09"},
    ]
    data, _ = build_scenario(raw, [], ["sessions.fixed.0", "sessions.fixed.1"])
    assert [(f.region, f.date.isoformat()) for f in data.constraints.sessions.fixed] == [
        ("alpha", "2009-06-09")
    ]


def test_dropping_a_region_leaves_its_officers_out(raw: RawData) -> None:
    raw.yaml["constraints.yaml"]["sessions"]["max_total"] = 1
    data, scenario = build_scenario(raw, [], ["regions.beta"])
    assert [r.id for r in data.regions] == ["alpha"]
    assert len(data.officers) == 20
    assert scenario.dropped_officers == 20
    assert "officers.csv" in scenario.changed_files


def test_dropping_a_required_key_is_refused(raw: RawData) -> None:
    with pytest.raises(InputError) as excinfo:
        apply_scenario(raw, [], ["window"])
    assert excinfo.value.lines() == [
        "constraints.yaml: window: is required, so it cannot be dropped"
    ]


def test_dropping_an_unknown_trainer_names_the_close_ids(raw: RawData) -> None:
    with pytest.raises(InputError, match="did you mean 't01'"):
        apply_scenario(raw, [], ["trainers.t01x"])


def test_dropping_a_trainer_named_in_a_fixed_session_fails_validation(raw: RawData) -> None:
    raw.yaml["constraints.yaml"]["sessions"]["fixed"] = [
        {"region": "alpha", "date": "2009-06-02", "trainers": ["t02"]}
    ]
    with pytest.raises(InputError) as excinfo:
        build_scenario(raw, [], ["trainers.t02"])
    [line] = excinfo.value.lines()
    assert line.startswith("constraints.yaml: sessions.fixed.0.trainers: unknown trainer 't02'")


# ----- writing the scenario's data ---------------------------------------------------------------
def test_written_scenario_data_loads_and_matches_the_digests(raw: RawData, tmp_path: Path) -> None:
    data, scenario = build_scenario(raw, ["sessions.officers.max=18"], ["trainers.t02"])
    folder = tmp_path / "scenario"
    write_scenario_data(scenario, folder)
    again = load_data(folder)
    assert again.constraints.sessions.officers.max == 18
    assert [t.id for t in again.trainers] == ["t01"]
    # the scenario's digests name the files as written, so a plan of it checks cleanly there
    assert again.digests == data.digests
    unchanged = (raw.folder / "regions.yaml").read_bytes()
    assert data.digests["regions.yaml"] == hashlib.sha256(unchanged).hexdigest()


def test_scenario_on_written_tiny_folder_is_independent_of_the_source(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "d", tiny())
    raw = read_raw(folder)
    first = apply_scenario(raw, ["sessions.officers.max=11"], [])
    second = apply_scenario(raw, ["sessions.officers.max=12"], [])
    assert first.raw.yaml["constraints.yaml"]["sessions"]["officers"]["max"] == 11
    assert second.raw.yaml["constraints.yaml"]["sessions"]["officers"]["max"] == 12
