"""Deterministic generator of officer lists and of whole synthetic programmes.

Two uses:

* ``python -m trafficplan.datagen officers --data data`` regenerates ``data/officers.csv`` from
  the curated ``data/regions.yaml`` (its districts) and ``data/constraints.yaml`` (its window).
* ``python -m trafficplan.datagen programme --preset national --out DIR`` writes the four files
  of a generated programme: ``national`` (27 regions, ~9,000 officers, 351 sessions, 40
  trainers, 2009), ``thin`` (the 12 regions of 2008 with 4 trainers and 20 % of officers on
  leave) or ``scarce`` (a family: the 12 regions of 2008 with 3-5 trainers, 15-25 % of
  officers on leave, ~1,800-1,920 officers, region session ranges and tighter weekly trainer
  caps, all drawn from ``--seed``).

Everything is drawn from :class:`random.Random` seeded with the given seed (and, per region or
per trainer, a label), so the same arguments always give byte-identical files, and adding a
region does not change the officers of the others. The regions, districts, NGOs, trainer bases
and names drawn from are in :mod:`trafficplan.datagen.tables`; working days come from the
project's calendar (:class:`~trafficplan.inputs.calendar.WorkCalendar`).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from trafficplan.atomic import write_text_atomic
from trafficplan.datagen.tables import (
    FIRST_FEMALE,
    FIRST_MALE,
    GENERIC_NGOS,
    HOMES,
    PATRONYMICS,
    REGIONS,
    REGIONS_2008,
    REGIONS_NATIONAL,
    SURNAMES,
    TRAINER_FIRST,
    TRAINER_SURNAMES,
    RegionInfo,
)

DEFAULT_SEED = 2008
OFFICER_COLUMNS = ("id", "name", "region", "district", "unavailable")
MIN_DISTRICT_OFFICERS = 5
FEMALE_SHARE = 0.12  # ASSUMPTION: precinct inspectors of 2008 were mostly men


def officer_name(rng: random.Random) -> str:
    """A random Ukrainian full name in Cyrillic: surname, first name, patronymic."""
    female = rng.random() < FEMALE_SHARE
    surname = rng.choice(SURNAMES)[1 if female else 0]
    first = rng.choice(FIRST_FEMALE if female else FIRST_MALE)
    patronymic = rng.choice(PATRONYMICS)[1 if female else 0]
    return f"{surname} {first} {patronymic}"


# ----- officers ----------------------------------------------------------------------------------
def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def region_codes(region_ids: Sequence[str]) -> dict[str, str]:
    """Three-letter officer-id codes: the table's code, else letters of the id, unique."""
    taken: set[str] = set()
    codes: dict[str, str] = {}
    for rid in region_ids:
        info = REGIONS.get(rid)
        letters = "".join(ch for ch in rid.upper() if ch.isalpha()) or "REG"
        candidates = [info.code] if info else []
        candidates.append((letters + "XXX")[:3])
        candidates += [
            (letters[0] + a + b) for a in letters[1:] + "XYZ" for b in letters[2:] + "XYZ"
        ]
        candidates += [f"{letters[0]}{n:02d}" for n in range(100)]
        code = next(c for c in candidates if c not in taken)
        taken.add(code)
        codes[rid] = code
    return codes


def district_sizes(districts: Sequence[str], total: int, rng: random.Random) -> list[int]:
    """Split ``total`` officers over ``districts``: uneven, but each gets at least a few.

    A regional-centre city district (``*-city``) weighs about three times an average raion,
    the raion around the centre (``*-raion``) about one and a half; the rest vary at random.
    Every district gets :data:`MIN_DISTRICT_OFFICERS` where ``total`` allows it, else as many
    as an even split gives.
    """
    count = len(districts)
    if count == 0:
        return []
    floor = min(MIN_DISTRICT_OFFICERS, total // count)
    weights = []
    for name in districts:
        base = rng.gammavariate(3.0, 1 / 3)
        if name.endswith("-city"):
            base = rng.uniform(2.5, 4.0)
        elif name.endswith("-raion"):
            base = rng.uniform(1.2, 1.8)
        weights.append(base)
    spare = total - floor * count
    shares = [spare * w / sum(weights) for w in weights]
    sizes = [floor + int(s) for s in shares]
    left = total - sum(sizes)
    by_fraction = sorted(range(count), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in by_fraction[:left]:
        sizes[i] += 1
    return sizes


def _leave(rng: random.Random, start: date, end: date) -> str:
    """One leave period of 1-3 weeks inside ``start..end``, as a date-set item."""
    span = (end - start).days + 1
    length = min(rng.randint(7, 21), span)
    first = start + timedelta(days=rng.randint(0, span - length))
    last = first + timedelta(days=length - 1)
    return f"{first.isoformat()}..{last.isoformat()}"


def generate_officers(
    regions_yaml_data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    per_region: int | Mapping[str, int] = 150,
    leave_share: float = 0.10,
    window_start: date | str = date(2008, 7, 16),
    window_end: date | str = date(2008, 10, 31),
    seed: int = DEFAULT_SEED,
) -> list[dict[str, str]]:
    """Generate the rows of ``officers.csv`` for the regions of a ``regions.yaml``.

    Args:
        regions_yaml_data: the parsed ``regions.yaml`` (a mapping with key ``regions``) or its
            list of regions; each region needs ``id`` and ``districts``.
        per_region: officers in every region, or per region id.
        leave_share: share of each region's officers (rounded half up) given one leave period
            of 1-3 weeks inside the window.
        window_start, window_end: the programme window (dates or ISO strings).
        seed: the random seed; each region draws from its own stream derived from it.

    Returns:
        One dict per officer with the keys of :data:`OFFICER_COLUMNS`, all strings, grouped by
        region (file order) and district (file order), ids ``ABC-0001`` numbered per region.
    """
    regions = (
        regions_yaml_data["regions"]
        if isinstance(regions_yaml_data, Mapping)
        else list(regions_yaml_data)
    )
    counts = {
        str(r["id"]): per_region[str(r["id"])] if isinstance(per_region, Mapping) else per_region
        for r in regions
    }
    if any(count < 0 for count in counts.values()):
        raise ValueError("per_region must be >= 0")
    if not 0 <= leave_share <= 1:
        raise ValueError("leave_share must be between 0 and 1")
    start, end = _as_date(window_start), _as_date(window_end)
    if end < start:
        raise ValueError("window_end is before window_start")
    codes = region_codes([str(r["id"]) for r in regions])
    rows: list[dict[str, str]] = []
    for region in regions:
        rid = str(region["id"])
        # an item is a district id, or {id, name} with its display name (spec 7.3)
        districts = [str(d["id"] if isinstance(d, dict) else d) for d in region["districts"]]
        rng = random.Random(f"trafficplan-officers:{seed}:{rid}")
        count = counts[rid]
        sizes = district_sizes(districts, count, rng)
        on_leave = set(rng.sample(range(count), int(leave_share * count + 0.5)))
        number = 0
        for district, size in zip(districts, sizes, strict=True):
            for _ in range(size):
                unavailable = _leave(rng, start, end) if number in on_leave else ""
                number += 1
                rows.append(
                    {
                        "id": f"{codes[rid]}-{number:04d}",
                        "name": officer_name(rng),
                        "region": rid,
                        "district": district,
                        "unavailable": unavailable,
                    }
                )
    return rows


def officers_csv_text(rows: Sequence[Mapping[str, str]]) -> str:
    """The text of ``officers.csv``: header, one line per officer, ``\\n`` line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = (*OFFICER_COLUMNS, "role") if any("role" in row for row in rows) else OFFICER_COLUMNS
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue()


def write_officers_csv(rows: Sequence[Mapping[str, str]], path: Path) -> None:
    """Write ``officers.csv`` atomically, UTF-8 without BOM."""
    write_text_atomic(Path(path), officers_csv_text(rows))


def _read_yaml(path: Path) -> Any:
    from trafficplan.inputs.yamlio import parse_yaml

    return parse_yaml(path.read_text(encoding="utf-8-sig"))


def regenerate_officers(
    data_dir: Path,
    per_region: int = 150,
    leave_share: float = 0.10,
    seed: int = DEFAULT_SEED,
) -> list[dict[str, str]]:
    """Generate the officers of a data folder from its ``regions.yaml`` and window.

    Reads ``regions.yaml`` and ``constraints.yaml`` (``window``) of ``data_dir``; does not
    write anything.
    """
    regions = _read_yaml(Path(data_dir) / "regions.yaml")
    constraints = _read_yaml(Path(data_dir) / "constraints.yaml")
    if not isinstance(regions, dict) or not isinstance(regions.get("regions"), list):
        raise ValueError(f"{data_dir}/regions.yaml: expected a mapping with a 'regions' list")
    window = constraints.get("window") if isinstance(constraints, dict) else None
    if not isinstance(window, dict) or not {"start", "end"} <= set(window):
        raise ValueError(f"{data_dir}/constraints.yaml: expected 'window' with 'start' and 'end'")
    return generate_officers(regions, per_region, leave_share, window["start"], window["end"], seed)


# ----- whole programmes --------------------------------------------------------------------------
@dataclass(frozen=True)
class Spread:
    """How the instances of a family differ from seed to seed: each seed draws its own values
    from these ranges and choices (see :func:`draw_spread`)."""

    officers_per_region: tuple[int, int]  # each region draws its own count
    trainers: tuple[int, int]
    leave_share: tuple[float, float]
    region_sessions: tuple[tuple[int, int], ...]  # each region draws its own (min, max)
    trainer_caps: tuple[tuple[int, int], ...]  # (max_per_week, max_consecutive_days)


@dataclass(frozen=True)
class Drawn:
    """What one seed of a family drew (see :class:`Spread`)."""

    officers_per_region: dict[str, int]
    trainers: int
    leave_share: float
    region_sessions: dict[str, tuple[int, int]]
    max_per_week: int
    max_consecutive_days: int


def draw_spread(spread: Spread, region_ids: Sequence[str], seed: int) -> Drawn:
    """The values one seed of a family takes; the same seed always draws the same, and each
    region draws from a stream of its own."""
    rng = random.Random(f"trafficplan-spread:{seed}")
    trainers = rng.randint(*spread.trainers)
    low, high = spread.leave_share
    leave_share = round(rng.uniform(low, high), 2)
    max_per_week, max_consecutive = rng.choice(spread.trainer_caps)
    officers: dict[str, int] = {}
    sessions: dict[str, tuple[int, int]] = {}
    for rid in region_ids:
        region_rng = random.Random(f"trafficplan-spread:{seed}:{rid}")
        officers[rid] = region_rng.randint(*spread.officers_per_region)
        sessions[rid] = region_rng.choice(spread.region_sessions)
    return Drawn(officers, trainers, leave_share, sessions, max_per_week, max_consecutive)


@dataclass(frozen=True)
class Preset:
    """The shape of a generated programme."""

    regions: tuple[str, ...]
    window: tuple[date, date]
    officers_per_region: int
    leave_share: float
    sessions_per_region: tuple[int, int]
    officers_per_session: tuple[int, int]
    venue_capacity: tuple[int, int]
    venues_per_region: tuple[int, int]
    ngos_per_region: tuple[int, int]
    trainers: int
    trainer_homes: tuple[tuple[str, int], ...]
    trainer_leave_weeks: tuple[int, int]
    trainer_leave_mondays: tuple[date, date]
    trainer_days_off: tuple[int, int]
    fixed_region: str
    fixed_date: date | None = None  # None: the first working day of the window
    spread: Spread | None = None  # a family: some of the above drawn per seed instead
    two_stage: bool = False  # heads (one a district and a region) in a course before the rest


_NATIONAL_HOMES = (("Kyiv", 12), ("Lviv", 8), ("Kharkiv", 7), ("Odesa", 7), ("Dnipropetrovsk", 6))
"""Where the national programme's 40 trainers live."""

_NATIONAL = Preset(
    regions=REGIONS_NATIONAL,
    window=(date(2009, 1, 12), date(2009, 12, 18)),
    officers_per_region=333,
    leave_share=0.10,
    sessions_per_region=(13, 13),
    officers_per_session=(15, 28),
    venue_capacity=(28, 30),
    venues_per_region=(1, 2),
    ngos_per_region=(1, 3),
    trainers=40,
    trainer_homes=_NATIONAL_HOMES,
    trainer_leave_weeks=(2, 3),
    trainer_leave_mondays=(date(2009, 6, 1), date(2009, 8, 10)),
    trainer_days_off=(2, 5),
    fixed_region="kyiv-city",
)
"""The national programme of 2009 (preset ``national``)."""


def _national_over(years: int, end: date, last_leave_monday: date) -> Preset:
    """The national programme run over ``years`` years from 2009 (to ``end``): as many
    times the officers, sessions and trainers, 2-4 NGOs a region, each trainer's leave
    starting on a Monday from June 2009 to ``last_leave_monday`` and as many times the
    days off."""
    return replace(
        _NATIONAL,
        window=(_NATIONAL.window[0], end),
        officers_per_region=333 * years,
        sessions_per_region=(13 * years, 13 * years),
        ngos_per_region=(2, 4),
        trainers=40 * years,
        trainer_homes=tuple((city, count * years) for city, count in _NATIONAL_HOMES),
        trainer_leave_mondays=(_NATIONAL.trainer_leave_mondays[0], last_leave_monday),
        trainer_days_off=(2 * years, 5 * years),
    )


_THIN = Preset(
    regions=REGIONS_2008,
    window=(date(2008, 7, 16), date(2008, 10, 31)),
    officers_per_region=150,
    leave_share=0.20,
    sessions_per_region=(6, 6),
    officers_per_session=(15, 25),
    venue_capacity=(25, 30),
    venues_per_region=(1, 2),
    ngos_per_region=(2, 3),
    trainers=4,
    trainer_homes=(("Kyiv", 1), ("Lviv", 1), ("Kharkiv", 1), ("Odesa", 1)),
    trainer_leave_weeks=(1, 2),
    trainer_leave_mondays=(date(2008, 7, 21), date(2008, 8, 18)),
    trainer_days_off=(0, 0),
    fixed_region="khmelnytskyi",
    fixed_date=date(2008, 7, 16),
)
"""The programme of 2008 with 4 trainers only (preset ``thin``)."""

PRESETS: dict[str, Preset] = {
    "national": _NATIONAL,
    "double-national": _national_over(2, date(2010, 12, 17), date(2010, 8, 9)),
    "quadruple-national": _national_over(4, date(2012, 12, 14), date(2012, 8, 6)),
    "thin": _THIN,
    "scarce": replace(
        _THIN,
        trainer_homes=(("Kyiv", 2), ("Lviv", 1), ("Kharkiv", 1), ("Odesa", 1)),
        trainer_leave_mondays=(date(2008, 7, 21), date(2008, 8, 25)),
        trainer_days_off=(0, 3),
        spread=Spread(
            officers_per_region=(150, 160),
            trainers=(3, 5),
            # 15-25 % on leave, with a point to spare for rounding in each region
            leave_share=(0.16, 0.24),
            region_sessions=((6, 6), (6, 6), (5, 7), (5, 7), (4, 6)),
            trainer_caps=((2, 2), (2, 1)),
        ),
    ),
    "two-stage-national": replace(_NATIONAL, fixed_date=date(2009, 3, 2), two_stage=True),
}  # fmt: skip
"""``national``: the 27-region benchmark of 2009; ``double-national``: the same 27 regions
over 2009 and 2010 (twice the officers, sessions and trainers); ``quadruple-national``: over
2009-2012 (108 region-years: four times the officers, sessions and trainers); ``thin``: 2008
with 4 trainers only; ``scarce``: a family of 2008-sized programmes with 3-5 trainers, drawn
per seed; ``two-stage-national``: ``national`` in two stages (spec 7.1): a head per district
and per region in a heads' course (1-2 sessions a region of 4-30 heads, two trainers each)
before the meetings, each district's inspectors at least 7 days after their heads; the first
meeting fixed on 2 March."""

OVERRIDES = ("regions", "officers_per_region", "trainers", "leave_share")


def _calendar() -> dict[str, Any]:
    """The ``calendar`` of every generated programme: Monday to Friday, Ukrainian holidays off."""
    return {
        "weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "holidays": "UA",
        "closed": [],
        "open": [],
    }


def _working_days(start: date, end: date) -> tuple[date, ...]:
    """The working days of a generated programme's window, by the project's calendar."""
    from trafficplan.inputs.calendar import WorkCalendar
    from trafficplan.inputs.models import ConstraintsFile

    window = {"start": start.isoformat(), "end": end.isoformat()}
    rules = ConstraintsFile.model_validate({"window": window, "calendar": _calendar()})
    return WorkCalendar(rules).working_days


def _offset(rng: random.Random, lat: float, lon: float, km: float) -> dict[str, float]:
    """A point up to ``km`` km north/south and east/west of (lat, lon)."""
    dlat = rng.uniform(-km, km) / 111.0
    dlon = rng.uniform(-km, km) / 75.0
    return {"lat": round(lat + dlat, 4), "lon": round(lon + dlon, 4)}


def _week_block(rng: random.Random, working: Sequence[date], avoid: date) -> str:
    """A Monday-to-Friday block of the window that leaves ``avoid`` free, as a date-set item."""
    mondays = [d for d in working if d.weekday() == 0 and not d <= avoid <= d + timedelta(4)]
    first = rng.choice(mondays or [working[-1]])
    return f"{first.isoformat()}..{(first + timedelta(days=4)).isoformat()}"


def _region_entry(info: RegionInfo, preset: Preset, seed: int, working: Sequence[date]) -> dict:
    rng = random.Random(f"trafficplan-region:{seed}:{info.id}")
    code = info.code.lower()
    kind = "" if info.name.endswith(("city", "oblast", "Crimea")) else " regional"
    venues: list[dict[str, Any]] = []
    for index in range(rng.randint(*preset.venues_per_region)):
        venue: dict[str, Any]
        if index == 0:
            venue = {
                "id": f"{code}-police-hall",
                "name": f"{info.name}{kind} police directorate, training hall",
                "capacity": rng.randint(*preset.venue_capacity),
            }
            if info.id == "kyiv-oblast":  # shares Kyiv with Kyiv city: a venue of its own
                venue["location"] = _offset(rng, info.lat, info.lon, 3.0)
        else:
            venue = {
                "id": f"{code}-conference-room",
                "name": f"Conference room, {info.city} city centre",
                "capacity": rng.randint(*preset.venue_capacity),
                "location": _offset(rng, info.lat, info.lon, 2.0),
            }
        if rng.random() < 0.15:
            venue["unavailable"] = [_week_block(rng, working, preset.fixed_date or working[0])]
        venues.append(venue)
    ngo_count = rng.randint(*preset.ngos_per_region)
    ngos = [{"id": i, "name": n} for i, n in info.ngos[:ngo_count]]
    for suffix, template in GENERIC_NGOS[: max(0, ngo_count - len(ngos))]:
        ngos.append({"id": f"{info.id}-{suffix}", "name": template.format(name=info.name)})
    return {
        "id": info.id,
        "name": info.name,
        "centre": {"city": info.city, "lat": info.lat, "lon": info.lon},
        "districts": list(info.districts),
        "venues": venues,
        "ngos": ngos,
    }


def _apportion(homes: Sequence[tuple[str, int]], count: int) -> list[str]:
    """Trainer homes in order: a Sainte-Laguë sequence over the homes' weights."""
    assigned = dict.fromkeys((h for h, _ in homes), 0)
    order = []
    for _ in range(count):
        home = max(homes, key=lambda hw: hw[1] / (2 * assigned[hw[0]] + 1))[0]
        assigned[home] += 1
        order.append(home)
    return order


def _trainers(preset: Preset, count: int, seed: int, working: Sequence[date]) -> list[dict]:
    width = max(2, len(str(count)))
    names_rng = random.Random(f"trafficplan-trainer-names:{seed}")
    pairs = [(f, s) for f in TRAINER_FIRST for s in TRAINER_SURNAMES]
    names = [f"{f} {s}" for f, s in names_rng.sample(pairs, min(count, len(pairs)))]
    trainers = []
    for index, home in enumerate(_apportion(preset.trainer_homes, count)):
        tid = f"t{index + 1:0{width}d}"
        rng = random.Random(f"trafficplan-trainer:{seed}:{tid}")
        first_monday, last_monday = preset.trainer_leave_mondays
        mondays = [
            first_monday + timedelta(weeks=w)
            for w in range((last_monday - first_monday).days // 7 + 1)
        ]
        leave_start = rng.choice(mondays)
        leave_end = leave_start + timedelta(weeks=rng.randint(*preset.trainer_leave_weeks), days=-3)
        free = [d for d in working if not leave_start <= d <= leave_end and d != preset.fixed_date]
        days_off = sorted(rng.sample(free, min(len(free), rng.randint(*preset.trainer_days_off))))
        unavailable = sorted(
            [(leave_start, f"{leave_start.isoformat()}..{leave_end.isoformat()}")]
            + [(d, d.isoformat()) for d in days_off]
        )
        lat, lon = HOMES[home]
        trainers.append(
            {
                "id": tid,
                "name": names[index % len(names)],
                "home": {"city": home, "lat": lat, "lon": lon},
                "unavailable": [item for _, item in unavailable],
                "day_rate_eur": rng.randrange(100, 151, 5),
            }
        )
    return trainers


def _constraints(
    preset: Preset, region_count: int, working: Sequence[date], caps: tuple[int, int] = (3, 2)
) -> dict:
    low, high = preset.sessions_per_region
    fixed_date = preset.fixed_date or working[0]
    return {
        "window": {"start": preset.window[0].isoformat(), "end": preset.window[1].isoformat()},
        "calendar": _calendar(),
        "sessions": {
            "max_total": high * region_count,
            "per_region": {"min": low, "max": high},
            "officers": {
                "min": preset.officers_per_session[0],
                "max": preset.officers_per_session[1],
            },
            "max_per_region_per_day": 1,
            "fixed": [{"region": preset.fixed_region, "date": fixed_date.isoformat()}],
        },
        "trainers": {
            "per_session": 1,
            "max_per_week": caps[0],
            "max_consecutive_days": caps[1],
            "travel": {
                "road_factor": 1.3,
                "same_evening_km": 250,
                "km_per_day": 500,
                "eur_per_km": 0.2,
            },
        },
        "ngos": {"per_session": 1, "max_per_week": 2},
        "officers": {"max_district_share_per_day": 0.34},
        "objective": ["officers_trained", "cost_eur", "max_trainer_sessions"],
        "budget_eur": None,
    }


class _Dumper(yaml.SafeDumper):
    """A SafeDumper that writes every date and date range in double quotes, alike."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if value[:1].isdigit() and value[4:5] == "-" else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _is_leaf(values: Any) -> bool:
    return all(isinstance(v, str | int | float | bool) or v is None for v in values)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=_is_leaf(value))


def _represent_dict(dumper: yaml.SafeDumper, value: dict) -> yaml.MappingNode:
    flow = _is_leaf(value.values()) and len(value) <= 4
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def _dump_yaml(header: str, data: Any) -> str:
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    return header + body


def build_programme(
    preset: str, seed: int = DEFAULT_SEED, **overrides: Any
) -> tuple[dict, dict, list[dict[str, str]], dict]:
    """Build a programme in memory: (regions.yaml, trainers.yaml, officer rows, constraints.yaml).

    ``overrides`` may set ``regions`` (the first N regions of the preset), ``officers_per_region``,
    ``trainers`` (count) and ``leave_share``; for a family (a preset with a :class:`Spread`)
    an override replaces what the seed drew.

    Raises:
        ValueError: an unknown preset or override, or an override out of range.
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r} (known: {', '.join(PRESETS)})")
    unknown = sorted(set(overrides) - set(OVERRIDES))
    if unknown:
        raise ValueError(f"unknown override {unknown[0]!r} (known: {', '.join(OVERRIDES)})")
    spec = PRESETS[preset]
    given = {k: v for k, v in overrides.items() if v is not None}
    region_count = int(given.get("regions", len(spec.regions)))
    if not 1 <= region_count <= len(spec.regions):
        raise ValueError(f"regions must be between 1 and {len(spec.regions)}")
    region_ids = spec.regions[:region_count]
    drawn = draw_spread(spec.spread, region_ids, seed) if spec.spread else None
    per_region: int | dict[str, int] = spec.officers_per_region
    trainer_count, leave_share = spec.trainers, spec.leave_share
    caps = (3, 2)
    if drawn is not None:
        per_region, trainer_count, leave_share = (
            drawn.officers_per_region,
            drawn.trainers,
            drawn.leave_share,
        )
        caps = (drawn.max_per_week, drawn.max_consecutive_days)
    per_region = int(given["officers_per_region"]) if "officers_per_region" in given else per_region
    trainer_count = int(given.get("trainers", trainer_count))
    smallest = per_region if isinstance(per_region, int) else min(per_region.values())
    if smallest < 1 or trainer_count < 1:
        raise ValueError("officers_per_region and trainers must be at least 1")
    leave_share = float(given.get("leave_share", leave_share))
    working = _working_days(*spec.window)
    entries = [_region_entry(REGIONS[rid], spec, seed, working) for rid in region_ids]
    if drawn is not None:
        entries = [_with_sessions(e, drawn.region_sessions[e["id"]], spec) for e in entries]
    regions = {"regions": entries}
    trainers = {"trainers": _trainers(spec, trainer_count, seed, working)}
    officers = generate_officers(regions, per_region, leave_share, *spec.window, seed=seed)
    constraints = _constraints(spec, region_count, working, caps)
    if spec.two_stage:
        officers = [{**row, "role": "inspector"} for row in officers] + _heads(regions, seed)
        constraints = _two_stage_constraints(constraints, spec, region_count)
    return regions, trainers, officers, constraints


def _heads(regions: Mapping[str, Any], seed: int) -> list[dict[str, str]]:
    """A head (role ``head``) per district, ids ``ABC-H01``.., and one per region, ``ABC-H00``
    in its first district (the regional service)."""
    entries = regions["regions"]
    codes = region_codes([str(r["id"]) for r in entries])
    rows = []
    for region in entries:
        rng = random.Random(f"trafficplan-heads:{seed}:{region['id']}")
        districts = [str(d) for d in region["districts"]]
        for number, district in enumerate([districts[0], *districts]):
            rows.append(
                {
                    "id": f"{codes[str(region['id'])]}-H{number:02d}",
                    "name": officer_name(rng),
                    "region": str(region["id"]),
                    "district": district,
                    "unavailable": "",
                    "role": "head",
                }
            )
    return rows


def _two_stage_constraints(constraints: dict, preset: Preset, region_count: int) -> dict:
    """``constraints`` with the courses of a two-stage programme: the heads' course, then the
    meetings (the preset's sessions) by district, 7 days after."""
    high = preset.sessions_per_region[1]
    sessions = constraints["sessions"]
    sessions["max_total"] = (high + 2) * region_count
    sessions["fixed"] = [{**entry, "course": "meeting"} for entry in sessions["fixed"]]
    constraints["courses"] = [
        {
            "id": "heads",
            "title": "Course for heads of regional and district precinct inspectors' services",
            "roles": ["head"],
            "per_region": {"min": 1, "max": 2},
            "officers": {"min": 4, "max": 30},
            "trainers_per_session": 2,
        },
        {
            "id": "meeting",
            "title": "Training and networking meeting",
            "roles": ["inspector"],
            "max_total": high * region_count,
            "after": {"course": "heads", "min_days": 7, "by": "district"},
        },
    ]
    return constraints


def _with_sessions(entry: dict, sessions: tuple[int, int], preset: Preset) -> dict:
    """A region entry with its own ``sessions`` range (after ``districts``), unless the range
    is the programme's ``per_region`` anyway."""
    if sessions == preset.sessions_per_region:
        return entry
    result: dict[str, Any] = {}
    for key, value in entry.items():
        result[key] = value
        if key == "districts":
            result["sessions"] = {"min": sessions[0], "max": sessions[1]}
    return result


def generate_programme(
    out_dir: Path, preset: str, seed: int = DEFAULT_SEED, **overrides: Any
) -> None:
    """Write the four files of a generated programme into ``out_dir`` (created if needed).

    See :func:`build_programme` for ``preset``, ``seed`` and ``overrides``; the same arguments
    always write byte-identical files.
    """
    regions, trainers, officers, constraints = build_programme(preset, seed, **overrides)
    args = " ".join(
        f"--{k.replace('_', '-')} {v}" for k, v in sorted(overrides.items()) if v is not None
    )
    header = (
        "# Synthetic data, generated by: python -m trafficplan.datagen programme "
        f"--preset {preset} --seed {seed}{' ' + args if args else ''}\n"
    )
    out = Path(out_dir)
    write_text_atomic(out / "regions.yaml", _dump_yaml(header, regions))
    write_text_atomic(out / "trainers.yaml", _dump_yaml(header, trainers))
    write_text_atomic(out / "constraints.yaml", _dump_yaml(header, constraints))
    write_officers_csv(officers, out / "officers.csv")


# ----- command line ------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m trafficplan.datagen",
        description="Deterministic generator of trafficplan input data.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    officers = commands.add_parser(
        "officers", help="regenerate DATA/officers.csv from DATA/regions.yaml and its window"
    )
    officers.add_argument("--data", type=Path, default=Path("data"), help="data folder")
    officers.add_argument("--per-region", type=int, default=150, help="officers per region")
    officers.add_argument(
        "--leave-share", type=float, default=0.10, help="share of officers with one leave"
    )
    officers.add_argument("--seed", type=int, default=DEFAULT_SEED)
    programme = commands.add_parser("programme", help="write all four files of a programme")
    programme.add_argument("--preset", choices=sorted(PRESETS), default="national")
    programme.add_argument("--out", type=Path, required=True, help="folder to write")
    programme.add_argument("--seed", type=int, default=DEFAULT_SEED)
    programme.add_argument("--regions", type=int, help="use only the first N regions")
    programme.add_argument("--officers-per-region", type=int)
    programme.add_argument("--trainers", type=int, help="number of trainers")
    programme.add_argument("--leave-share", type=float)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "officers":
            rows = regenerate_officers(args.data, args.per_region, args.leave_share, args.seed)
            write_officers_csv(rows, args.data / "officers.csv")
            print(f"wrote {args.data / 'officers.csv'}: {len(rows)} officers")
        else:
            generate_programme(
                args.out,
                args.preset,
                args.seed,
                regions=args.regions,
                officers_per_region=args.officers_per_region,
                trainers=args.trainers,
                leave_share=args.leave_share,
            )
            print(f"wrote {args.out}: preset {args.preset}, seed {args.seed}")
    except (ValueError, KeyError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ValueError) else 3
    return 0
