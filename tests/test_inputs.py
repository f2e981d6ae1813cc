"""Loading and validation: one broken tiny folder per rule, checked through ``validate``.

Each case breaks exactly one thing in the tiny instance and asserts exit code 3 and the exact
``Error: file: place: message`` lines on stderr (nothing on stdout).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datafactory import officers_csv, tiny, write_data
from trafficplan.cli import app
from trafficplan.errors import InputError, Problem
from trafficplan.inputs import load_data

runner = CliRunner()

Mutation = Callable[[dict[str, Any]], None]


def at(data: dict[str, Any], path: str) -> Any:
    """The node at a dotted path of the tiny dicts (digits index lists)."""
    node: Any = data
    for part in path.split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    return node


def set_key(path: str, value: Any) -> Mutation:
    """A mutation that sets ``path`` (``file.key.key``) to ``value``."""
    parent, _, key = path.rpartition(".")

    def mutate(data: dict[str, Any]) -> None:
        node = at(data, parent)
        node[int(key) if key.isdigit() else key] = value

    return mutate


def append_to(path: str, item: Any) -> Mutation:
    """A mutation that appends ``item`` to the list at ``path``."""

    def mutate(data: dict[str, Any]) -> None:
        at(data, path).append(item)

    return mutate


def duplicate(path: str, into: str) -> Mutation:
    """Append a deep copy of the item at ``path`` to the list at ``into``."""

    def mutate(data: dict[str, Any]) -> None:
        # a deep copy: shared sub-dicts would be dumped as YAML aliases, which are refused
        at(data, into).append(copy.deepcopy(at(data, path)))

    return mutate


def validate_errors(folder: Path) -> list[str]:
    """Run ``validate`` on an invalid folder; its stderr lines (asserting exit 3)."""
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    return result.stderr.splitlines()


def folder_with(
    tmp_path: Path, mutate: Mutation | None = None, files: dict[str, str | bytes] | None = None
) -> Path:
    """The tiny folder with one mutation applied and some files replaced verbatim."""
    data = tiny()
    if mutate is not None:
        mutate(data)
    folder = write_data(tmp_path / "data", data)
    for name, content in (files or {}).items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    return folder


CASES = [
    # --- wrong keys ------------------------------------------------------------------------
    pytest.param(
        set_key("constraints.sessions.max_totl", 3),
        ["constraints.yaml: sessions: unknown key 'max_totl'; did you mean 'max_total'?"],
        id="unknown-key-suggests-closest",
    ),
    pytest.param(
        set_key("regions.regions.0.venues.0.capacty", 3),
        [
            "regions.yaml: regions.alpha.venues.alpha-hall: unknown key 'capacty'; "
            "did you mean 'capacity'?"
        ],
        id="unknown-key-in-list-item-named-by-id",
    ),
    pytest.param(
        set_key("constraints.windw", {"start": "2009-06-01"}),
        ["constraints.yaml: top level: unknown key 'windw'; did you mean 'window'?"],
        id="unknown-top-level-key",
    ),
    pytest.param(
        set_key("trainers.trainers.0.languages", "uk"),
        [
            "trainers.yaml: trainers.t01: unknown key 'languages' (valid keys: id, name, home, "
            "regions, unavailable, max_sessions, day_rate_eur, per_diem_eur, hotel_eur, email, "
            "phone)"
        ],
        id="unknown-key-without-close-match-lists-valid-keys",
    ),
    pytest.param(
        lambda data: at(data, "trainers.trainers.0").pop("home"),
        ["trainers.yaml: trainers.t01: missing required key 'home'"],
        id="missing-required-key",
    ),
    # --- wrong types -------------------------------------------------------------------------
    pytest.param(
        set_key("constraints.sessions.max_total", "many"),
        ["constraints.yaml: sessions.max_total: expected a whole number, got 'many'"],
        id="text-for-whole-number",
    ),
    pytest.param(
        set_key("regions.regions.0.venues.0.capacity", 20.5),
        [
            "regions.yaml: regions.alpha.venues.alpha-hall.capacity: expected a whole number, "
            "got 20.5"
        ],
        id="fraction-for-whole-number",
    ),
    pytest.param(
        set_key("trainers.trainers.1.day_rate_eur", "cheap"),
        ["trainers.yaml: trainers.t02.day_rate_eur: expected a number, got 'cheap'"],
        id="text-for-number",
    ),
    pytest.param(
        set_key("regions.regions.1.districts", "beta-east"),
        ["regions.yaml: regions.beta.districts: expected a list, got 'beta-east'"],
        id="text-for-list",
    ),
    pytest.param(
        set_key("constraints.window", "2009-06"),
        ["constraints.yaml: window: expected a mapping (key: value), got '2009-06'"],
        id="text-for-mapping",
    ),
    pytest.param(
        set_key("trainers.trainers", None),
        ["trainers.yaml: trainers: expected a list, got null"],
        id="null-for-list",
    ),
    pytest.param(
        set_key("regions.regions.0.id", "Alpha Region"),
        [
            "regions.yaml: regions.Alpha Region.id: must use only lowercase letters a-z, "
            "digits and '-', got 'Alpha Region'"
        ],
        id="region-id-not-a-slug",
    ),
    pytest.param(
        set_key("constraints.calendar.weekdays", ["mon", "funday"]),
        [
            "constraints.yaml: calendar.weekdays.1: must be one of 'mon', 'tue', 'wed', 'thu', "
            "'fri', 'sat' or 'sun', got 'funday'"
        ],
        id="unknown-weekday",
    ),
    # --- numbers out of range ----------------------------------------------------------------
    pytest.param(
        set_key("regions.regions.0.venues.0.capacity", 0),
        ["regions.yaml: regions.alpha.venues.alpha-hall.capacity: must be at least 1, got 0"],
        id="zero-capacity",
    ),
    pytest.param(
        set_key("regions.regions.1.venues.0.capacity", -5),
        ["regions.yaml: regions.beta.venues.beta-hall.capacity: must be at least 1, got -5"],
        id="negative-capacity",
    ),
    pytest.param(
        set_key("trainers.trainers.0.day_rate_eur", -1),
        ["trainers.yaml: trainers.t01.day_rate_eur: must be at least 0, got -1"],
        id="negative-day-rate",
    ),
    pytest.param(
        set_key("trainers.trainers.0.day_rate_eur", float("inf")),
        ["trainers.yaml: trainers.t01.day_rate_eur: must be a finite number, got inf"],
        id="infinite-number",
    ),
    pytest.param(
        set_key("constraints.officers.max_district_share_per_day", 1.5),
        ["constraints.yaml: officers.max_district_share_per_day: must be at most 1, got 1.5"],
        id="share-above-one",
    ),
    pytest.param(
        set_key("constraints.sessions.per_region", {"min": 5, "max": 2}),
        ["constraints.yaml: sessions.per_region: min (5) is greater than max (2)"],
        id="min-above-max-constraints",
    ),
    pytest.param(
        set_key("constraints.sessions.officers", {"min": 25, "max": 20}),
        ["constraints.yaml: sessions.officers: min (25) is greater than max (20)"],
        id="min-above-max-officers",
    ),
    pytest.param(
        set_key("regions.regions.0.sessions", {"min": 3, "max": 1}),
        ["regions.yaml: regions.alpha.sessions: min (3) is greater than max (1)"],
        id="min-above-max-region-override",
    ),
    pytest.param(
        set_key("regions.regions", []),
        ["regions.yaml: regions: must not be empty"],
        id="no-regions",
    ),
    # --- dates -------------------------------------------------------------------------------
    pytest.param(
        set_key("constraints.window.start", "2008-02-30"),
        [
            "constraints.yaml: window.start: '2008-02-30' is not a real date: "
            "the day does not exist (February 2008 has 29 days)"
        ],
        id="impossible-date",
    ),
    pytest.param(
        set_key("regions.regions.0.venues.0.unavailable", ["2009-06-02", "2009-02-29"]),
        [
            "regions.yaml: regions.alpha.venues.alpha-hall.unavailable: item 1: "
            "'2009-02-29' is not a real date: the day does not exist (February 2009 has 28 days)"
        ],
        id="impossible-date-in-date-set",
    ),
    pytest.param(
        set_key("trainers.trainers.0.unavailable", ["2009-06-05..2009-06-01"]),
        [
            "trainers.yaml: trainers.t01.unavailable: item 0: range '2009-06-05..2009-06-01' "
            "ends before it starts"
        ],
        id="reversed-range",
    ),
    pytest.param(
        set_key("constraints.sessions.fixed", [{"region": "alpha", "date": "16/07/2009"}]),
        [
            "constraints.yaml: sessions.fixed.0.date: '16/07/2009' is not a date of the form "
            "YYYY-MM-DD"
        ],
        id="date-in-wrong-format",
    ),
    pytest.param(
        set_key("constraints.window", {"start": "2009-06-12", "end": "2009-06-01"}),
        ["constraints.yaml: window: end 2009-06-01 is before start 2009-06-12"],
        id="window-ends-before-start",
    ),
    # --- duplicate ids -----------------------------------------------------------------------
    pytest.param(
        duplicate("regions.regions.0", into="regions.regions"),
        ["regions.yaml: regions.alpha: duplicate region id 'alpha'"],
        id="duplicate-region",
    ),
    pytest.param(
        append_to("regions.regions.1.districts", "alpha-north"),
        [
            "regions.yaml: regions.beta.districts: duplicate district id 'alpha-north' "
            "(already in region 'alpha')"
        ],
        id="duplicate-district",
    ),
    pytest.param(
        append_to("regions.regions.1.venues", {"id": "alpha-hall", "name": "Hall", "capacity": 9}),
        [
            "regions.yaml: regions.beta.venues: duplicate venue id 'alpha-hall' "
            "(already in region 'alpha')"
        ],
        id="duplicate-venue",
    ),
    pytest.param(
        append_to("regions.regions.0.ngos", {"id": "alpha-ngo", "name": "Again"}),
        ["regions.yaml: regions.alpha.ngos: duplicate NGO id 'alpha-ngo' (already in this region)"],
        id="duplicate-ngo",
    ),
    pytest.param(
        duplicate("trainers.trainers.1", into="trainers.trainers"),
        ["trainers.yaml: trainers.t02: duplicate trainer id 't02'"],
        id="duplicate-trainer",
    ),
    pytest.param(
        duplicate("officers.0", into="officers"),
        ["officers.csv: line 42: duplicate officer id 'ALP-0001' (first on line 2)"],
        id="duplicate-officer",
    ),
    # --- references --------------------------------------------------------------------------
    pytest.param(
        set_key("trainers.trainers.0.regions", ["alpah"]),
        ["trainers.yaml: trainers.t01.regions: unknown region 'alpah' (did you mean 'alpha'?)"],
        id="trainer-unknown-region",
    ),
    pytest.param(
        set_key("constraints.sessions.fixed", [{"region": "gamma", "date": "2009-06-01"}]),
        ["constraints.yaml: sessions.fixed.0.region: unknown region 'gamma'"],
        id="fixed-unknown-region",
    ),
    pytest.param(
        set_key(
            "constraints.sessions.fixed",
            [{"region": "alpha", "date": "2009-06-01", "venue": "beta-hall"}],
        ),
        [
            "constraints.yaml: sessions.fixed.0.venue: venue 'beta-hall' is not a venue of "
            "region 'alpha' (did you mean 'alpha-hall'?)"
        ],
        id="fixed-venue-of-another-region",
    ),
    pytest.param(
        set_key(
            "constraints.sessions.fixed",
            [{"region": "alpha", "date": "2009-06-01", "trainers": ["t07"]}],
        ),
        [
            "constraints.yaml: sessions.fixed.0.trainers: unknown trainer 't07' "
            "(did you mean 't02' or 't01'?)"
        ],
        id="fixed-unknown-trainer",
    ),
    pytest.param(
        set_key("officers.4.region", "gamma"),
        ["officers.csv: line 6: unknown region 'gamma'"],
        id="officer-unknown-region",
    ),
    pytest.param(
        set_key("officers.4.district", "alpha-east"),
        [
            "officers.csv: line 6: unknown district 'alpha-east' "
            "(did you mean 'alpha-south' or 'alpha-north'?)"
        ],
        id="officer-unknown-district",
    ),
    pytest.param(
        set_key("officers.0.district", "beta-east"),
        ["officers.csv: line 2: district 'beta-east' belongs to region 'beta', not 'alpha'"],
        id="officer-district-of-another-region",
    ),
    pytest.param(
        set_key("officers.3.unavailable", "2009-06-01..2009-06-40"),
        [
            "officers.csv: line 5: unavailable: '2009-06-40' is not a real date: "
            "the day does not exist (June 2009 has 30 days)"
        ],
        id="officer-impossible-date",
    ),
    pytest.param(
        set_key("officers.3.unavailable", "2009-06-01,2009-06-03"),
        [
            "officers.csv: line 5: unavailable: '2009-06-01,2009-06-03' is not a date of the "
            "form YYYY-MM-DD"
        ],
        id="officer-date-set-with-comma",
    ),
    pytest.param(
        set_key("officers.3.unavailable", "2009-06-09..2009-06-02"),
        ["officers.csv: line 5: unavailable: range '2009-06-09..2009-06-02' ends before it starts"],
        id="officer-reversed-range",
    ),
    # --- the YAML 1.1 trap ---------------------------------------------------------------------
    pytest.param(
        set_key("constraints.calendar.holidays", False),
        [
            "constraints.yaml: calendar.holidays: got false, not a country code: YAML reads "
            'unquoted NO, no, off, yes and on as true/false; quote the code (holidays: "NO") '
            "or write null for no public holidays"
        ],
        id="holidays-NO-read-as-false",
    ),
    pytest.param(
        set_key("constraints.calendar.holidays", "XX"),
        [
            "constraints.yaml: calendar.holidays: 'XX' is not a country code the holidays "
            "package knows (ISO 3166-1 alpha-2, e.g. UA), or null"
        ],
        id="unknown-holiday-country",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), CASES)
def test_each_broken_rule_is_one_line_naming_file_and_place(
    tmp_path: Path, mutate: Mutation, expected: list[str]
) -> None:
    folder = folder_with(tmp_path, mutate)
    assert validate_errors(folder) == [f"Error: {line}" for line in expected]


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    broken = "regions:\n  - id: alpha\n    districts: [alpha-north, alpha-south\n    name: A\n"
    folder = folder_with(tmp_path, files={"regions.yaml": broken})
    assert validate_errors(folder) == [
        "Error: regions.yaml: line 4: YAML syntax error: expected ',' or ']', but got ':'"
    ]


def test_unquoted_holidays_no_in_the_file_is_explained(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    text = (folder / "constraints.yaml").read_text(encoding="utf-8")
    assert "holidays: null" in text
    (folder / "constraints.yaml").write_text(text.replace("holidays: null", "holidays: NO"))
    [line] = validate_errors(folder)
    assert line.startswith("Error: constraints.yaml: calendar.holidays: got false, not a country")


def test_quoted_holidays_no_is_norway(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    text = (folder / "constraints.yaml").read_text(encoding="utf-8")
    (folder / "constraints.yaml").write_text(text.replace("holidays: null", "holidays: 'no'"))
    assert load_data(folder).constraints.calendar.holidays == "NO"


def test_a_key_written_twice_is_refused(tmp_path: Path) -> None:
    # PyYAML would silently keep the second window; the user must hear about the first.
    text = (
        "window: {start: 2009-06-01, end: 2009-06-12}\n"
        "calendar: {holidays: null}\n"
        "window: {start: 2009-06-01, end: 2009-06-30}\n"
    )
    folder = folder_with(tmp_path, files={"constraints.yaml": text})
    assert validate_errors(folder) == [
        "Error: constraints.yaml: line 3: key 'window' appears twice in the same mapping "
        "(first on line 1)"
    ]


def test_missing_file(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    (folder / "trainers.yaml").unlink()
    assert validate_errors(folder) == [f"Error: trainers.yaml: file missing in {folder}"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("constraints.yaml", "- a\n- b\n", "expected a mapping, but the file is a list"),
        ("trainers.yaml", "", "expected a mapping with key 'trainers', but the file is empty"),
        (
            "regions.yaml",
            "just text\n",
            "expected a mapping with key 'regions', but the file is a string",
        ),
    ],
    ids=["list", "empty", "scalar"],
)
def test_file_that_is_not_a_mapping(tmp_path: Path, name: str, text: str, message: str) -> None:
    folder = folder_with(tmp_path, files={name: text})
    assert validate_errors(folder) == [f"Error: {name}: {message}"]


def test_data_folder_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert validate_errors(missing) == [
        f"Error: {missing}: data folder not found: pass --data DIR, the folder with "
        "regions.yaml, trainers.yaml, officers.csv and constraints.yaml"
    ]


def test_data_folder_that_is_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "data.txt"
    a_file.write_text("not a folder")
    assert validate_errors(a_file) == [f"Error: {a_file}: is not a folder"]


# ----- officers.csv --------------------------------------------------------------------------
def test_wrong_csv_header(tmp_path: Path) -> None:
    text = officers_csv(tiny()["officers"]).replace("district", "distrikt", 1)
    folder = folder_with(tmp_path, files={"officers.csv": text})
    assert validate_errors(folder) == [
        "Error: officers.csv: line 1: header must be id,name,region,district,unavailable, "
        "got 'id,name,region,distrikt,unavailable'"
    ]


def test_semicolon_separated_csv_gets_a_hint(tmp_path: Path) -> None:
    text = officers_csv(tiny()["officers"]).replace(",", ";")
    folder = folder_with(tmp_path, files={"officers.csv": text})
    assert validate_errors(folder) == [
        "Error: officers.csv: line 1: header must be id,name,region,district,unavailable, "
        "got 'id;name;region;district;unavailable'; the columns are separated by ';': "
        "save the file as CSV with ','"
    ]


def test_csv_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    lines = officers_csv(tiny()["officers"]).splitlines(keepends=True)
    # line 5 saved by a program that writes Windows-1251 (the name is Cyrillic)
    data = b"".join(
        line.encode("cp1251" if number == 5 else "utf-8")
        for number, line in enumerate(lines, start=1)
    )
    folder = folder_with(tmp_path, files={"officers.csv": data})
    assert validate_errors(folder) == [
        "Error: officers.csv: line 5: not valid UTF-8 (byte 0xce); save the file as UTF-8"
    ]


def test_csv_with_a_leading_bom_is_accepted(tmp_path: Path) -> None:
    text = officers_csv(tiny()["officers"])
    folder = folder_with(tmp_path, files={"officers.csv": b"\xef\xbb\xbf" + text.encode()})
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 0, result.output
    assert len(load_data(folder).officers) == 40
    assert load_data(folder).officers[0].id == "ALP-0001"


def test_csv_row_with_wrong_number_of_columns(tmp_path: Path) -> None:
    text = officers_csv(tiny()["officers"]) + "ALP-0099,Late Officer,alpha\n"
    folder = folder_with(tmp_path, files={"officers.csv": text})
    assert validate_errors(folder) == ["Error: officers.csv: line 42: expected 5 columns, got 3"]


def test_csv_row_with_an_unquoted_comma_gets_a_hint(tmp_path: Path) -> None:
    text = officers_csv(tiny()["officers"]) + "ALP-0099,Shevchenko, Taras,alpha,alpha-north,\n"
    folder = folder_with(tmp_path, files={"officers.csv": text})
    assert validate_errors(folder) == [
        "Error: officers.csv: line 42: expected 5 columns, got 6; put a value that contains "
        "',' in double quotes"
    ]


# ----- hostile YAML ----------------------------------------------------------------------------
BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "window: {start: 2009-06-01, end: 2009-06-12}",
    ]
)


def test_alias_bomb_is_refused_quickly_without_printing_it(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, files={"constraints.yaml": BILLION_LAUGHS})
    started = time.perf_counter()
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 3
    assert elapsed < 1.0
    assert result.stderr.splitlines() == [
        "Error: constraints.yaml: line 2: YAML aliases (*name) are not allowed in trafficplan files"
    ]
    assert "lol" not in result.output


def test_deeply_nested_yaml_is_refused_without_a_crash(tmp_path: Path) -> None:
    deep = "window: " + "[" * 5000 + "]" * 5000 + "\n"
    folder = folder_with(tmp_path, files={"constraints.yaml": deep})
    assert validate_errors(folder) == [
        "Error: constraints.yaml: line 1: nested more than 50 levels deep"
    ]


# ----- several problems at once ----------------------------------------------------------------
def test_several_problems_are_all_listed_one_line_each(tmp_path: Path) -> None:
    def break_three_files(data: dict[str, Any]) -> None:
        data["trainers"]["trainers"][0]["day_rate_eur"] = -1
        data["constraints"]["sessions"]["max_totl"] = 3
        data["officers"][0]["region"] = "gamma"
        data["officers"][1]["unavailable"] = "someday"

    folder = folder_with(tmp_path, break_three_files)
    assert validate_errors(folder) == [
        "Error: trainers.yaml: trainers.t01.day_rate_eur: must be at least 0, got -1",
        "Error: constraints.yaml: sessions: unknown key 'max_totl'; did you mean 'max_total'?",
        "Error: officers.csv: line 2: unknown region 'gamma'",
        "Error: officers.csv: line 3: unavailable: 'someday' is not a date of the form YYYY-MM-DD",
    ]


def test_load_data_raises_one_problem_per_defect(tmp_path: Path) -> None:
    # regions.yaml is broken, so officers.csv is still read but its references go unchecked
    folder = folder_with(
        tmp_path,
        lambda data: (
            set_key("regions.regions.0.venues.0.capacity", 0)(data),
            set_key("officers.2.unavailable", "someday")(data),
            set_key("officers.3.district", "nowhere")(data),
        ),
    )
    with pytest.raises(InputError) as caught:
        load_data(folder)
    assert caught.value.exit_code == 3
    assert caught.value.problems == [
        Problem(
            "regions.yaml", "regions.alpha.venues.alpha-hall.capacity", "must be at least 1, got 0"
        ),
        Problem(
            "officers.csv", "line 4", "unavailable: 'someday' is not a date of the form YYYY-MM-DD"
        ),
    ]


def test_clean_tiny_folder_loads(tiny_folder: Path) -> None:
    data = load_data(tiny_folder)
    assert [r.id for r in data.regions] == ["alpha", "beta"]
    assert len(data.officers) == 40
    assert data.district_sizes == {
        "alpha-north": 10,
        "alpha-south": 10,
        "beta-east": 10,
        "beta-west": 10,
    }
    assert set(data.digests) == {
        "regions.yaml",
        "trainers.yaml",
        "officers.csv",
        "constraints.yaml",
    }


# ----- costs, contacts, times and the programme (spec 6.6 and 6.8) ---------------------------
def with_costs_and_contacts(data: dict[str, Any]) -> None:
    """Every optional key of spec 6.6 and 6.8 set to a valid value."""
    data["regions"]["regions"][0]["contact"] = "Regional police directorate, +380 44 000 00 01"
    data["regions"]["regions"][0]["ngos"][0]["contact"] = "Hotline +380 44 000 00 02"
    venue = data["regions"]["regions"][0]["venues"][0]
    venue.update(address="vul. Shevchenka 1, Alpha City", day_rate_eur=150)
    data["trainers"]["trainers"][0].update(
        email="o.kovalenko@example.org", phone="+380 44 000 00 03", per_diem_eur=25, hotel_eur=45
    )
    data["constraints"]["sessions"].update(
        per_person_eur=12.5, start_time="10:00", end_time="17:00"
    )
    data["constraints"]["officers"]["travel_eur"] = 8
    data["constraints"]["programme"] = {
        "title": "Training and networking meetings",
        "organisation": "Project Co-ordinator",
        "donor": "A foreign ministry",
    }


def test_cost_contact_and_time_keys_load(tmp_path: Path) -> None:
    data = load_data(folder_with(tmp_path, with_costs_and_contacts))
    alpha = data.region_by_id["alpha"]
    assert alpha.contact == "Regional police directorate, +380 44 000 00 01"
    assert alpha.ngos[0].contact == "Hotline +380 44 000 00 02"
    assert alpha.venues[0].day_rate_eur == 150 and alpha.venues[0].address
    t01 = data.trainer_by_id["t01"]
    assert (t01.email, t01.phone) == ("o.kovalenko@example.org", "+380 44 000 00 03")
    assert (t01.per_diem_eur, t01.hotel_eur) == (25, 45)
    sessions = data.constraints.sessions
    assert sessions.per_person_eur == 12.5
    assert (f"{sessions.start_time:%H:%M}", f"{sessions.end_time:%H:%M}") == ("10:00", "17:00")
    assert data.constraints.officers.travel_eur == 8
    assert data.constraints.programme.title == "Training and networking meetings"
    assert data.constraints.programme.donor == "A foreign ministry"


def test_cost_contact_and_time_keys_default_to_nothing(tiny_folder: Path) -> None:
    data = load_data(tiny_folder)
    assert data.venue_by_id["alpha-hall"].day_rate_eur == 0
    assert data.ngo_by_id["alpha-ngo"].contact is None
    assert data.region_by_id["alpha"].contact is None
    t01 = data.trainer_by_id["t01"]
    assert (t01.email, t01.phone, t01.per_diem_eur, t01.hotel_eur) == (None, None, 0, 0)
    sessions = data.constraints.sessions
    assert (sessions.per_person_eur, sessions.start_time, sessions.end_time) == (0, None, None)
    assert data.constraints.officers.travel_eur == 0
    assert data.constraints.programme.title is None


NEW_KEY_CASES = [
    pytest.param(
        set_key("regions.regions.0.venues.0.day_rate_eur", -5),
        ["regions.yaml: regions.alpha.venues.alpha-hall.day_rate_eur: must be at least 0, got -5"],
        id="venue-day-rate-negative",
    ),
    pytest.param(
        set_key("trainers.trainers.0.per_diem_eur", -1),
        ["trainers.yaml: trainers.t01.per_diem_eur: must be at least 0, got -1"],
        id="per-diem-negative",
    ),
    pytest.param(
        set_key("trainers.trainers.0.hotel_eur", "forty"),
        ["trainers.yaml: trainers.t01.hotel_eur: expected a number, got 'forty'"],
        id="hotel-not-a-number",
    ),
    pytest.param(
        set_key("constraints.sessions.per_person_eur", -12),
        ["constraints.yaml: sessions.per_person_eur: must be at least 0, got -12"],
        id="per-person-negative",
    ),
    pytest.param(
        set_key("constraints.officers.travel_eur", float("inf")),
        ["constraints.yaml: officers.travel_eur: must be a finite number, got inf"],
        id="officer-travel-infinite",
    ),
    pytest.param(
        set_key("constraints.officers.travl_eur", 8),
        ["constraints.yaml: officers: unknown key 'travl_eur'; did you mean 'travel_eur'?"],
        id="officer-travel-typo",
    ),
    pytest.param(
        set_key("trainers.trainers.0.email", "olena at example.org"),
        [
            "trainers.yaml: trainers.t01.email: 'olena at example.org' is not an e-mail address "
            "(name@example.org)"
        ],
        id="email-not-an-address",
    ),
    pytest.param(
        set_key("trainers.trainers.0.emial", "o@example.org"),
        ["trainers.yaml: trainers.t01: unknown key 'emial'; did you mean 'email'?"],
        id="email-typo",
    ),
    pytest.param(
        set_key("trainers.trainers.0.phone", 380440000003),
        [
            "trainers.yaml: trainers.t01.phone: got the number 380440000003, not text: YAML "
            'reads an unquoted phone number as a number; write it in quotes ("+380 44 000 00 00")'
        ],
        id="phone-unquoted",
    ),
    pytest.param(
        set_key("regions.regions.0.ngos.0.contcat", "x"),
        [
            "regions.yaml: regions.alpha.ngos.alpha-ngo: unknown key 'contcat'; "
            "did you mean 'contact'?"
        ],
        id="ngo-contact-typo",
    ),
    pytest.param(
        set_key("regions.regions.0.ngos.0.contact", ""),
        ["regions.yaml: regions.alpha.ngos.alpha-ngo.contact: must not be empty"],
        id="ngo-contact-empty",
    ),
    pytest.param(
        set_key("regions.regions.0.contact", ["a", "b"]),
        ["regions.yaml: regions.alpha.contact: expected text, got a list"],
        id="region-contact-a-list",
    ),
    pytest.param(
        set_key("constraints.sessions.start_time", "10:00"),
        [
            "constraints.yaml: sessions: give both start_time and end_time, or neither "
            "(all-day sessions)"
        ],
        id="start-time-without-end-time",
    ),
    pytest.param(
        lambda data: data["constraints"]["sessions"].update(start_time="14:00", end_time="09:30"),
        ["constraints.yaml: sessions: end_time 09:30 is not after start_time 14:00"],
        id="end-time-before-start-time",
    ),
    pytest.param(
        lambda data: data["constraints"]["sessions"].update(start_time="10h", end_time="24:00"),
        [
            "constraints.yaml: sessions.start_time: '10h' is not a time of the form HH:MM "
            "(00:00 to 23:59)",
            "constraints.yaml: sessions.end_time: '24:00' is not a time of the form HH:MM "
            "(00:00 to 23:59)",
        ],
        id="times-not-hh-mm",
    ),
    pytest.param(
        set_key("constraints.programme", {"title": "T", "organization": "O"}),
        ["constraints.yaml: programme: unknown key 'organization'; did you mean 'organisation'?"],
        id="programme-typo",
    ),
    pytest.param(
        set_key("constraints.programme", {"title": 2008}),
        ["constraints.yaml: programme.title: expected text, got 2008"],
        id="programme-title-a-number",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), NEW_KEY_CASES)
def test_each_new_key_is_validated(tmp_path: Path, mutate: Mutation, expected: list[str]) -> None:
    folder = folder_with(tmp_path, mutate)
    assert validate_errors(folder) == [f"Error: {line}" for line in expected]


def test_unquoted_session_time_gets_a_hint_to_quote_it(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, with_costs_and_contacts)
    text = (folder / "constraints.yaml").read_text(encoding="utf-8")
    assert "start_time: '10:00'" in text
    # YAML 1.1 reads an unquoted 10:00 as the base-60 number 600
    text = text.replace("start_time: '10:00'", "start_time: 10:00")
    (folder / "constraints.yaml").write_text(text, encoding="utf-8")
    assert validate_errors(folder) == [
        "Error: constraints.yaml: sessions.start_time: got the number 600, not a time: YAML "
        'reads an unquoted 10:00 as a number; quote the time ("10:00")'
    ]
