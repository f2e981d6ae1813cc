"""The deterministic data generator and the shipped 2008 data folder."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from trafficplan import datagen
from trafficplan.diagnostics.prechecks import diagnose
from trafficplan.inputs import load_data
from trafficplan.inputs.dates import parse_date_set_text

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
FILES = ("regions.yaml", "trainers.yaml", "constraints.yaml", "officers.csv")


def _shipped_regions() -> dict:
    """The shipped regions.yaml, each district as its id (an item may carry a display name)."""
    document = yaml.safe_load((DATA / "regions.yaml").read_text(encoding="utf-8"))
    for region in document["regions"]:
        region["districts"] = [d["id"] if isinstance(d, dict) else d for d in region["districts"]]
    return document


def _officers_2008(**kwargs: object) -> list[dict[str, str]]:
    args: dict = {
        "per_region": 150,
        "leave_share": 0.10,
        "window_start": date(2008, 7, 16),
        "window_end": date(2008, 10, 31),
        "seed": datagen.DEFAULT_SEED,
    }
    args.update(kwargs)
    return datagen.generate_officers(_shipped_regions(), **args)


# ----- officers ---------------------------------------------------------------------------------
def test_officers_are_deterministic_and_depend_on_the_seed() -> None:
    first = datagen.officers_csv_text(_officers_2008())
    assert first == datagen.officers_csv_text(_officers_2008())
    assert first != datagen.officers_csv_text(_officers_2008(seed=7))


def test_officer_counts_ids_districts_and_leave() -> None:
    regions = _shipped_regions()["regions"]
    rows = _officers_2008()
    assert len(rows) == 1800
    per_region = Counter(row["region"] for row in rows)
    assert set(per_region.values()) == {150}
    assert len({row["id"] for row in rows}) == 1800
    districts_of = {r["id"]: set(r["districts"]) for r in regions}
    start, end = date(2008, 7, 16), date(2008, 10, 31)
    for region in regions:
        mine = [row for row in rows if row["region"] == region["id"]]
        assert all(row["district"] in districts_of[region["id"]] for row in mine)
        sizes = Counter(row["district"] for row in mine)
        assert set(sizes) == districts_of[region["id"]]  # every district has officers
        assert min(sizes.values()) >= datagen.MIN_DISTRICT_OFFICERS
        assert max(sizes.values()) > min(sizes.values())  # uneven
        on_leave = [row for row in mine if row["unavailable"]]
        assert len(on_leave) == 15  # 10 % of 150
        for row in on_leave:
            (leave,) = parse_date_set_text(row["unavailable"])
            assert start <= leave.start <= leave.end <= end
            assert 7 <= (leave.end - leave.start).days + 1 <= 21
    codes = {row["id"].split("-")[0] for row in rows}
    assert all(len(code) == 3 and code.isupper() for code in codes)
    assert all(row["id"].split("-")[1].isdigit() for row in rows)


def test_officer_names_are_ukrainian_cyrillic_of_both_genders() -> None:
    rows = _officers_2008()
    for row in rows[:200]:
        parts = row["name"].split()
        assert len(parts) == 3
        assert all(ch.isalpha() or ch == "'" for part in parts for ch in part)
        assert all("\u0400" <= ch <= "\u04ff" for ch in row["name"] if ch.isalpha())
    endings = Counter(row["name"].split()[2][-2:] for row in rows)
    assert endings["ич"] > endings["на"] > 0  # mostly men, some women


def test_leave_share_and_count_are_configurable() -> None:
    rows = _officers_2008(per_region=40, leave_share=0.25)
    assert len(rows) == 12 * 40
    assert sum(1 for row in rows if row["unavailable"]) == 12 * 10


def test_small_regions_still_cover_every_district() -> None:
    sizes = datagen.district_sizes([f"d{i}" for i in range(10)], 30, datagen.random.Random(1))
    assert sum(sizes) == 30 and min(sizes) >= 3


def test_csv_format_has_exact_header_no_bom_and_lf(tmp_path: Path) -> None:
    path = tmp_path / "officers.csv"
    datagen.write_officers_csv(_officers_2008(per_region=5), path)
    data = path.read_bytes()
    assert data.startswith(b"id,name,region,district,unavailable\n")
    assert b"\r" not in data
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 60


# ----- the shipped 2008 folder ------------------------------------------------------------------
def test_shipped_officers_csv_is_what_the_generator_writes_now() -> None:
    expected = datagen.officers_csv_text(datagen.regenerate_officers(DATA))
    assert (DATA / "officers.csv").read_bytes() == expected.encode("utf-8")


def test_shipped_districts_match_the_generators_region_table() -> None:
    for region in _shipped_regions()["regions"]:
        info = datagen.REGIONS[region["id"]]
        assert region["districts"] == list(info.districts)
        assert (region["centre"]["lat"], region["centre"]["lon"]) == (info.lat, info.lon)
    assert [r["id"] for r in _shipped_regions()["regions"]] == list(datagen.REGIONS_2008)


def test_shipped_data_loads_and_admits_every_officer() -> None:
    data = load_data(DATA)
    assert len(data.regions) == 12 and len(data.officers) == 1800 and len(data.trainers) == 6
    c = data.constraints
    assert (c.window.start, c.window.end) == (date(2008, 7, 16), date(2008, 10, 31))
    assert c.sessions.max_total == 72
    assert (c.sessions.per_region.min, c.sessions.per_region.max) == (6, 6)
    assert (c.sessions.officers.min, c.sessions.officers.max) == (15, 25)
    assert [(f.region, f.date) for f in c.sessions.fixed] == [("khmelnytskyi", date(2008, 7, 16))]
    for region in data.regions:
        assert 10 <= len(region.districts) <= 27
        assert 1 <= len(region.venues) <= 2 and len(region.ngos) >= 2
        assert all(25 <= v.capacity <= 30 for v in region.venues)
        # 6 sessions x 25 seats = every officer of the region
        assert 6 * min(25, max(v.capacity for v in region.venues)) >= 150


# ----- whole programmes -------------------------------------------------------------------------
def test_national_preset_shape(tmp_path: Path) -> None:
    datagen.generate_programme(tmp_path, "national")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    data = load_data(tmp_path)
    assert len(data.regions) == 27
    assert 8900 <= len(data.officers) <= 9100
    assert len(data.trainers) == 40
    assert {t.home.city for t in data.trainers} == set(datagen.HOMES)
    assert data.constraints.sessions.max_total == 351
    fixed = data.constraints.sessions.fixed
    assert [(f.region, f.date) for f in fixed] == [("kyiv-city", date(2009, 1, 12))]
    assert {r.id for r in data.regions} == set(datagen.REGIONS)
    on_leave = sum(1 for o in data.officers if o.unavailable) / len(data.officers)
    assert 0.09 <= on_leave <= 0.11
    for region in data.regions:
        assert 1 <= len(region.venues) <= 2 and 1 <= len(region.ngos) <= 3
        assert all(28 <= v.capacity <= 30 for v in region.venues)
    for trainer in data.trainers:
        longest = max((r.end - r.start).days + 1 for r in trainer.unavailable)
        assert 12 <= longest <= 19  # a 2-3-week summer leave, Monday to Friday


@pytest.mark.parametrize(
    ("preset", "officers", "trainers", "sessions", "end", "years"),
    [
        # spec 6.5's double national: 27 regions over two years, ~18,000 officers, ~700
        # sessions, 80 trainers
        ("double-national", 18_000, 80, 702, date(2010, 12, 17), {2009, 2010}),
        # spec 7.5's quadruple national: 108 region-years, ~36,000 officers, ~1,400
        # sessions, 160 trainers
        ("quadruple-national", 36_000, 160, 1404, date(2012, 12, 14), {2009, 2010, 2011, 2012}),
    ],
)
def test_national_presets_over_several_years(
    tmp_path: Path,
    preset: str,
    officers: int,
    trainers: int,
    sessions: int,
    end: date,
    years: set[int],
) -> None:
    datagen.generate_programme(tmp_path, preset)
    data = load_data(tmp_path)
    assert len(data.regions) == 27
    assert abs(len(data.officers) - officers) <= officers // 90
    assert len(data.trainers) == trainers
    assert data.constraints.sessions.max_total == sessions
    assert (data.constraints.window.start, data.constraints.window.end) == (date(2009, 1, 12), end)
    assert {r.start.year for t in data.trainers for r in t.unavailable} == years


def test_two_stage_national_preset_shape(tmp_path: Path) -> None:
    # spec 7.5's two-stage national: the national programme with a heads' course first
    datagen.generate_programme(tmp_path, "two-stage-national", regions=3, officers_per_region=200)
    data = load_data(tmp_path)
    assert data.staged and [c.id for c in data.courses] == ["heads", "meeting"]
    heads, meeting = data.courses
    assert heads.trainers_per_session == 2
    assert meeting.after is not None and (meeting.after.course, meeting.after.by) == (
        "heads",
        "district",
    )
    for region in data.regions:
        members = [o for o in data.course_members("heads") if o.region == region.id]
        assert len(members) == len(region.districts) + 1  # one a district, one the region's
    assert len(data.course_members("meeting")) == 600
    assert [(f.region, f.course) for f in data.constraints.sessions.fixed] == [
        ("kyiv-city", "meeting")
    ]
    assert diagnose(data) == []


def test_programme_is_byte_identical_on_rerun_and_seeded(tmp_path: Path) -> None:
    small = {"regions": 3, "officers_per_region": 40, "trainers": 5}
    datagen.generate_programme(tmp_path / "a", "national", **small)
    datagen.generate_programme(tmp_path / "b", "national", **small)
    datagen.generate_programme(tmp_path / "c", "national", seed=9, **small)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "officers.csv").read_bytes() != (
        tmp_path / "c" / "officers.csv"
    ).read_bytes()
    data = load_data(tmp_path / "a")
    assert data.regions[0].id == "kyiv-city"
    assert len(data.regions) == 3 and len(data.officers) == 120 and len(data.trainers) == 5
    assert data.constraints.sessions.max_total == 39


def test_thin_preset(tmp_path: Path) -> None:
    datagen.generate_programme(tmp_path, "thin")
    data = load_data(tmp_path)
    assert [r.id for r in data.regions] == list(datagen.REGIONS_2008)
    assert len(data.trainers) == 4 and len(data.officers) == 1800
    assert sum(1 for o in data.officers if o.unavailable) == 360
    assert data.constraints.sessions.max_total == 72
    assert data.constraints.window.start == date(2008, 7, 16)


@pytest.mark.parametrize("seed", [1, 14])
def test_scarce_family_draws_a_valid_programme_per_seed(tmp_path: Path, seed: int) -> None:
    from trafficplan.diagnostics.prechecks import ERROR, diagnose

    datagen.generate_programme(tmp_path, "scarce", seed)
    data = load_data(tmp_path)  # validates every file
    assert not [f for f in diagnose(data) if f.severity == ERROR]  # nothing proves it hopeless
    assert [r.id for r in data.regions] == list(datagen.REGIONS_2008)
    assert 3 <= len(data.trainers) <= 5
    assert 1800 <= len(data.officers) <= 1920
    on_leave = sum(1 for o in data.officers if o.unavailable) / len(data.officers)
    assert 0.15 <= on_leave <= 0.25
    rules = data.constraints
    assert rules.trainers.max_per_week == 2
    assert rules.trainers.max_consecutive_days in (1, 2)
    assert rules.sessions.max_total == 72
    ranges = {(b.min, b.max) for b in map(data.session_bounds, [r.id for r in data.regions])}
    assert ranges <= {(6, 6), (5, 7), (4, 6)} and len(ranges) > 1  # regions differ
    drawn = datagen.draw_spread(datagen.PRESETS["scarce"].spread, datagen.REGIONS_2008, seed)
    assert len(data.trainers) == drawn.trainers
    assert rules.trainers.max_consecutive_days == drawn.max_consecutive_days


def test_scarce_family_differs_by_seed_and_repeats_itself(tmp_path: Path) -> None:
    for name, seed in (("a", 14), ("b", 14), ("c", 6)):
        datagen.generate_programme(tmp_path / name, "scarce", seed)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "trainers.yaml").read_bytes() != (
        tmp_path / "c" / "trainers.yaml"
    ).read_bytes()
    # seed 14 draws 3 trainers and no sessions on consecutive days; an override wins
    assert len(load_data(tmp_path / "a").trainers) == 3
    assert load_data(tmp_path / "a").constraints.trainers.max_consecutive_days == 1
    datagen.generate_programme(tmp_path / "d", "scarce", 14, trainers=6)
    assert len(load_data(tmp_path / "d").trainers) == 6


def test_unknown_preset_or_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="preset"):
        datagen.generate_programme(tmp_path, "huge")
    with pytest.raises(ValueError, match="override"):
        datagen.generate_programme(tmp_path, "thin", sessions=3)


def test_command_line(tmp_path: Path) -> None:
    out = tmp_path / "prog"
    code = datagen.main(
        ["programme", "--preset", "thin", "--out", str(out), "--regions", "2", "--trainers", "2"]
    )
    assert code == 0
    assert len(load_data(out).regions) == 2
    assert datagen.main(["officers", "--data", str(out), "--per-region", "30"]) == 0
    assert len(load_data(out).officers) == 60
    assert datagen.main(["officers", "--data", str(tmp_path / "missing")]) != 0
