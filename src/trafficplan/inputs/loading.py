"""The one load path: read the four files, validate them, build :class:`ProblemData`.

Every defect becomes a :class:`~trafficplan.errors.Problem` naming the file, the place (key
path or CSV line) and what is wrong; all of them are collected and raised together as an
:class:`~trafficplan.errors.InputError` (exit code 3).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
import types
import typing
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from trafficplan.errors import InputError, Problem
from trafficplan.inputs.dates import parse_date_set_text
from trafficplan.inputs.models import (
    DEFAULT_COURSE,
    DEFAULT_ROLE,
    ConstraintsFile,
    Course,
    Officer,
    RegionsFile,
    TrainersFile,
)
from trafficplan.inputs.problem import ProblemData
from trafficplan.inputs.yamlio import MAX_YAML_BYTES, YamlSyntaxError, parse_yaml

REGIONS, TRAINERS, OFFICERS, CONSTRAINTS = (
    "regions.yaml",
    "trainers.yaml",
    "officers.csv",
    "constraints.yaml",
)
DATA_FILES = (REGIONS, TRAINERS, OFFICERS, CONSTRAINTS)
OFFICER_COLUMNS = ("id", "name", "region", "district", "unavailable")
ROLE_COLUMN = "role"
"""The optional sixth column of ``officers.csv`` (spec 7.1)."""
YAML_MODELS: dict[str, type[BaseModel]] = {
    REGIONS: RegionsFile,
    TRAINERS: TrainersFile,
    CONSTRAINTS: ConstraintsFile,
}


@dataclass
class RawData:
    """The four files as parsed but not yet validated (scenarios edit this form)."""

    folder: Path
    yaml: dict[str, Any]
    officers_text: str
    digests: dict[str, str] = field(default_factory=dict)


def read_raw(folder: Path) -> RawData:
    """Read and parse the four files of a data folder.

    Raises:
        InputError: a file is missing, unreadable, not UTF-8 or not valid YAML.
    """
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        if folder.exists():
            raise InputError([Problem(str(folder), "", "is not a folder")])
        where = f" in {Path.cwd()}" if not folder.is_absolute() else ""
        files = ", ".join(DATA_FILES[:-1]) + f" and {DATA_FILES[-1]}"
        what = f"data folder not found{where}: pass --data DIR, the folder with {files}"
        raise InputError([Problem(str(folder), "", what)])
    if not any((folder / name).exists() for name in DATA_FILES):
        files = ", ".join(DATA_FILES[:-1]) + f" or {DATA_FILES[-1]}"
        what = f"not a data folder (no {files}): pass --data DIR, the folder that holds them"
        raise InputError([Problem(str(folder), "", what)])
    parsed: dict[str, Any] = {}
    officers_text = ""
    digests: dict[str, str] = {}
    for name in DATA_FILES:
        path = folder / name
        if path.is_dir():
            problems.append(Problem(name, "", f"is a folder in {folder}, not a file"))
            continue
        if not path.is_file():
            problems.append(Problem(name, "", f"file missing in {folder}"))
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(name, "", f"cannot read: {exc.strerror}"))
            continue
        digests[name] = hashlib.sha256(data).hexdigest()
        if name != OFFICERS and len(data) > MAX_YAML_BYTES:
            problems.append(Problem(name, "", f"file too large ({len(data)} bytes)"))
            continue
        try:
            text = _decode_utf8(data)
        except _NotUtf8 as exc:
            problems.append(Problem(name, f"line {exc.line}", str(exc)))
            continue
        if name == OFFICERS:
            officers_text = text
            continue
        try:
            parsed[name] = parse_yaml(text)
        except YamlSyntaxError as exc:
            place = f"line {exc.line}" if exc.line else ""
            problems.append(Problem(name, place, str(exc)))
    if problems:
        raise InputError(problems)
    return RawData(folder=folder, yaml=parsed, officers_text=officers_text, digests=digests)


def load_data(folder: Path) -> ProblemData:
    """Load and validate a data folder (the one load path of every command).

    Raises:
        InputError: one Problem per defect found.
    """
    return build_data(read_raw(folder))


def build_data(raw: RawData) -> ProblemData:
    """Validate parsed files (possibly edited by a scenario) and build :class:`ProblemData`.

    Raises:
        InputError: one Problem per defect found.
    """
    problems: list[Problem] = []
    models: dict[str, Any] = {}
    for name, model in YAML_MODELS.items():
        content = raw.yaml.get(name)
        key = next(iter(model.model_fields))
        if not isinstance(content, dict):
            kind = "empty" if content is None else f"a {_kind(content)}"
            hint = f"a mapping with key '{key}'" if name != CONSTRAINTS else "a mapping"
            problems.append(Problem(name, "", f"expected {hint}, but the file is {kind}"))
            continue
        try:
            models[name] = model.model_validate(content)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(name, model, content, exc))
    regions: RegionsFile | None = models.get(REGIONS)
    trainers: TrainersFile | None = models.get(TRAINERS)
    constraints: ConstraintsFile | None = models.get(CONSTRAINTS)
    if regions is not None:
        problems.extend(_check_regions(regions))
    if regions is not None and trainers is not None:
        problems.extend(_check_trainers(trainers, regions))
    if constraints is not None:
        problems.extend(_check_objective(constraints))
    if regions is not None and trainers is not None and constraints is not None:
        problems.extend(_check_fixed(constraints, regions, trainers))
    if constraints is not None:
        problems.extend(_check_courses(constraints))
    officers, officer_problems = _parse_officers(raw.officers_text, regions)
    problems.extend(officer_problems)
    if constraints is not None and not officer_problems:
        problems.extend(_check_roles(officers, constraints))
    if problems:
        raise InputError(problems)
    assert regions is not None and trainers is not None and constraints is not None
    return ProblemData(
        regions=list(regions.regions),
        trainers=list(trainers.trainers),
        officers=officers,
        constraints=constraints,
        folder=raw.folder,
        digests=dict(raw.digests),
    )


# ----- text decoding ---------------------------------------------------------------------------
class _NotUtf8(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def _decode_utf8(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise _NotUtf8(
            f"not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8", line
        ) from None
    return text.removeprefix("\ufeff")


def _kind(value: object) -> str:
    return {
        list: "list",
        dict: "mapping",
        str: "string",
        int: "number",
        float: "number",
        bool: "boolean",
    }.get(type(value), type(value).__name__)


# ----- pydantic errors -> one line each --------------------------------------------------------
def _key_path(content: Any, loc: tuple[int | str, ...]) -> str:
    """Dotted key path; list items by their ``id`` where they have one (as scenario keys)."""
    parts: list[str] = []
    node = content
    for segment in loc:
        if isinstance(segment, int):
            item = node[segment] if isinstance(node, list) and segment < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            parts.append(str(ident) if isinstance(ident, str) and ident else str(segment))
            node = item
        else:
            parts.append(str(segment))
            node = node.get(segment) if isinstance(node, dict) else None
    return ".".join(parts)


def _unwrap_model(annotation: Any, want_item: bool) -> type[BaseModel] | None:
    """The model class inside an annotation (through Optional, list, Annotated)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return None if want_item else annotation
    if origin is typing.Annotated:
        return _unwrap_model(typing.get_args(annotation)[0], want_item)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _unwrap_model(arg, want_item)
            if found is not None:
                return found
        return None
    if origin in (list, tuple):
        args = typing.get_args(annotation)
        return _unwrap_model(args[0], False) if args and want_item else None
    return None


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    pending_list: Any = None
    for segment in loc:
        if current is None and pending_list is None:
            return None
        if isinstance(segment, int):
            current = _unwrap_model(pending_list, want_item=True)
            pending_list = None
            continue
        if current is None or segment not in current.model_fields:
            return None
        annotation = current.model_fields[segment].annotation
        current = _unwrap_model(annotation, want_item=False)
        pending_list = annotation if current is None else None
    return current


def _short(value: Any) -> str:
    """A value as the user wrote it in YAML, cut short."""
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return f"a {_kind(value)}"


_EXPECTED_TYPE = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "decimal_type": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
}
_PATTERN_RULE = {
    r"^[a-z0-9-]+$": "must use only lowercase letters a-z, digits and '-'",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$": (
        "must start with a letter or digit and use only letters, digits, '_', '.' and '-'"
    ),
}


def _number(value: Any) -> str:
    """A bound as a person writes it: 0 rather than 0.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _friendly(error: Any) -> str:
    """Pydantic's message for one error, reworded for people who edit YAML files."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = f", got {_short(error['input'])}" if "input" in error else ""
    if kind in _EXPECTED_TYPE:
        return f"expected {_EXPECTED_TYPE[kind]}{got}"
    if kind == "finite_number":
        return f"must be a finite number{got}"
    if kind == "greater_than_equal":
        return f"must be at least {_number(ctx.get('ge'))}{got}"
    if kind == "greater_than":
        return f"must be greater than {_number(ctx.get('gt'))}{got}"
    if kind == "less_than_equal":
        return f"must be at most {_number(ctx.get('le'))}{got}"
    if kind == "less_than":
        return f"must be less than {_number(ctx.get('lt'))}{got}"
    if kind in ("too_short", "string_too_short"):
        least = ctx.get("min_length", 1)
        unit = "item" if kind == "too_short" else "character"
        return "must not be empty" if least == 1 else f"must have at least {least} {unit}s"
    if kind in ("too_long", "string_too_long"):
        unit = "items" if kind == "too_long" else "characters"
        return f"is too long (at most {ctx.get('max_length')} {unit})"
    if kind == "string_pattern_mismatch":
        rule = _PATTERN_RULE.get(str(ctx.get("pattern")), f"must match {ctx.get('pattern')}")
        return f"{rule}{got}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}{got}"
    message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("value_error", "assertion_error"):
        return message
    return f"{message}{got}"


def _pydantic_problems(
    file: str, model: type[BaseModel], content: Any, exc: ValidationError
) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(
            seg for seg in error["loc"] if not (isinstance(seg, str) and "[" in seg)
        )  # drop pydantic's union/tagged labels such as 'function-before[...]'
        kind = error["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            place = _key_path(content, loc[:-1])
            parent = _model_at(model, loc[:-1])
            valid = list(parent.model_fields) if parent else []
            close = difflib.get_close_matches(key, valid, n=3, cutoff=0.5)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            listed = f" (valid keys: {', '.join(valid)})" if valid and not close else ""
            problems.append(
                Problem(file, place or "top level", f"unknown key {key[:40]!r}{hint}{listed}")
            )
            continue
        if kind == "missing":
            place = _key_path(content, loc[:-1])
            problems.append(
                Problem(file, place or "top level", f"missing required key {str(loc[-1])!r}")
            )
            continue
        place = _key_path(content, loc)
        problems.append(Problem(file, place or "top level", _friendly(error)))
    return problems


# ----- cross-reference checks -------------------------------------------------------------------
def _duplicates(values: list[str]) -> list[str]:
    counts = Counter(values)
    return [value for value, count in counts.items() if count > 1]


def _check_regions(regions: RegionsFile) -> list[Problem]:
    problems = []
    for dup in _duplicates([r.id for r in regions.regions]):
        problems.append(Problem(REGIONS, f"regions.{dup}", f"duplicate region id {dup!r}"))
    seen_regions: set[str] = set()
    seen_districts: dict[str, str] = {}
    seen_venues: dict[str, str] = {}
    seen_ngos: dict[str, str] = {}
    for region in regions.regions:
        if region.id in seen_regions:
            continue  # reported as a duplicate region; its contents would only repeat that
        seen_regions.add(region.id)
        for kind, ids, seen in (
            ("district", list(region.districts), seen_districts),
            ("venue", [v.id for v in region.venues], seen_venues),
            ("NGO", [n.id for n in region.ngos], seen_ngos),
        ):
            key = {"district": "districts", "venue": "venues", "NGO": "ngos"}[kind]
            for ident in ids:
                if ident in seen:
                    where = "this region" if seen[ident] == region.id else f"region {seen[ident]!r}"
                    problems.append(
                        Problem(
                            REGIONS,
                            f"regions.{region.id}.{key}",
                            f"duplicate {kind} id {ident!r} (already in {where})",
                        )
                    )
                else:
                    seen[ident] = region.id
    return problems


def _check_trainers(trainers: TrainersFile, regions: RegionsFile) -> list[Problem]:
    problems = []
    region_ids = [r.id for r in regions.regions]
    for dup in _duplicates([t.id for t in trainers.trainers]):
        problems.append(Problem(TRAINERS, f"trainers.{dup}", f"duplicate trainer id {dup!r}"))
    for trainer in trainers.trainers:
        for region_id in trainer.regions or []:
            if region_id not in region_ids:
                place = f"trainers.{trainer.id}.regions"
                problems.append(Problem(TRAINERS, place, _unknown("region", region_id, region_ids)))
    return problems


def _check_objective(constraints: ConstraintsFile) -> list[Problem]:
    """Each objective at most once; no tolerance on the last level (spec 6.1)."""
    problems = []
    items = constraints.objective
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.name in seen:
            problems.append(
                Problem(
                    CONSTRAINTS, f"objective.{index}", f"objective {item.name!r} is listed twice"
                )
            )
        seen.add(item.name)
    if items and items[-1].tolerance is not None:
        last = items[-1].name
        problems.append(
            Problem(
                CONSTRAINTS,
                f"objective.{len(items) - 1}",
                f"the last objective ({last}) cannot have a tolerance: no later level would "
                f"use it; write it as '{last}'",
            )
        )
    return problems


def _check_fixed(
    constraints: ConstraintsFile, regions: RegionsFile, trainers: TrainersFile
) -> list[Problem]:
    problems = []
    by_id = {r.id: r for r in regions.regions}
    trainer_ids = [t.id for t in trainers.trainers]
    for index, entry in enumerate(constraints.sessions.fixed):
        place = f"sessions.fixed.{index}"
        region = by_id.get(entry.region)
        if region is None:
            unknown = _unknown("region", entry.region, list(by_id))
            problems.append(Problem(CONSTRAINTS, f"{place}.region", unknown))
        elif entry.venue is not None and entry.venue not in [v.id for v in region.venues]:
            venues = [v.id for v in region.venues]
            problems.append(
                Problem(
                    CONSTRAINTS,
                    f"{place}.venue",
                    f"venue {entry.venue!r} is not a venue of region {region.id!r}"
                    f"{_suggest(entry.venue, venues)}",
                )
            )
        for trainer_id in entry.trainers or []:
            if trainer_id not in trainer_ids:
                unknown = _unknown("trainer", trainer_id, trainer_ids)
                problems.append(Problem(CONSTRAINTS, f"{place}.trainers", unknown))
        if entry.trainers and len(set(entry.trainers)) != len(entry.trainers):
            problems.append(Problem(CONSTRAINTS, f"{place}.trainers", "a trainer is listed twice"))
        if region is not None and entry.ngos:
            ngo_ids = [n.id for n in region.ngos]
            for ngo_id in entry.ngos:
                if ngo_id not in ngo_ids:
                    problems.append(
                        Problem(
                            CONSTRAINTS,
                            f"{place}.ngos",
                            f"NGO {ngo_id!r} is not an NGO of region {region.id!r}"
                            f"{_suggest(ngo_id, ngo_ids)}",
                        )
                    )
            if len(set(entry.ngos)) != len(entry.ngos):
                problems.append(Problem(CONSTRAINTS, f"{place}.ngos", "an NGO is listed twice"))
            per_session = constraints.ngos.per_session
            if len(set(entry.ngos)) > per_session:
                problems.append(
                    Problem(
                        CONSTRAINTS,
                        f"{place}.ngos",
                        f"names {len(set(entry.ngos))} NGOs, but a session has exactly "
                        f"{per_session} (ngos.per_session)",
                    )
                )
    return problems


def _check_courses(constraints: ConstraintsFile) -> list[Problem]:
    """Course ids unique; ``after`` names another known course and no order is a cycle;
    a fixed entry's ``course`` is known (spec 7.1)."""
    courses = constraints.courses
    problems = []
    ids = [c.id for c in courses] if courses is not None else [DEFAULT_COURSE]
    for dup in _duplicates(ids):
        problems.append(Problem(CONSTRAINTS, f"courses.{dup}", f"duplicate course id {dup!r}"))
    for course in courses or []:
        after = course.after
        if after is None:
            continue
        place = f"courses.{course.id}.after.course"
        if after.course == course.id:
            problems.append(Problem(CONSTRAINTS, place, "a course cannot come after itself"))
        elif after.course not in ids:
            problems.append(Problem(CONSTRAINTS, place, _unknown("course", after.course, ids)))
    cycle = _course_cycle(courses or [])
    if cycle:
        path = " -> ".join(cycle)
        problems.append(
            Problem(
                CONSTRAINTS,
                f"courses.{cycle[0]}.after",
                f"the order of courses is a cycle ({path}): some course must come first",
            )
        )
    for index, entry in enumerate(constraints.sessions.fixed):
        if entry.course is not None and entry.course not in ids:
            problems.append(
                Problem(
                    CONSTRAINTS,
                    f"sessions.fixed.{index}.course",
                    _unknown("course", entry.course, ids),
                )
            )
    return problems


def _course_cycle(courses: list[Course]) -> list[str]:
    """A cycle of ``after`` (longer than one course), as the ids along it; empty if none."""
    earlier = {c.id: c.after.course for c in courses if c.after is not None}
    for start in earlier:
        path = [start]
        while path[-1] in earlier:
            step = earlier[path[-1]]
            if step == path[-1]:
                break  # a course after itself is reported on its own
            if step in path:
                cycle = path[path.index(step) :]
                if min(cycle) == start:  # each cycle once, from its smallest id
                    return [*cycle, step]
                break
            path.append(step)
    return []


def _check_roles(officers: list[Officer], constraints: ConstraintsFile) -> list[Problem]:
    """Every officer's role is listed by some course (``officers.csv``, the officer's line)."""
    courses = constraints.courses
    listed = {r for c in courses for r in c.roles} if courses is not None else {DEFAULT_ROLE}
    problems = []
    for officer in officers:
        if officer.role not in listed:
            hint = _suggest(officer.role, sorted(listed))
            problems.append(
                Problem(
                    OFFICERS,
                    f"line {officer.line}",
                    f"role {officer.role!r} is not listed by any course{hint} "
                    f"(roles of courses: {', '.join(sorted(listed))})",
                )
            )
    return problems


def _suggest(value: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(value, valid, n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def _unknown(kind: str, value: str, valid: list[str]) -> str:
    """``unknown <kind> '<value>'``, with the closest valid ids if any are close."""
    return f"unknown {kind} {value!r}{_suggest(value, valid)}"


def _officer_reference_problems(
    region: str,
    district: str,
    districts_of: dict[str, list[str]],
    region_of_district: dict[str, str],
) -> list[str]:
    """An officer's region must exist and the district must be one of that region's."""
    if region not in districts_of:
        return [f"unknown region {region[:40]!r}{_suggest(region, list(districts_of))}"]
    if district in districts_of[region]:
        return []
    owner = region_of_district.get(district)
    if owner is None:
        suggestion = _suggest(district, districts_of[region])
        return [f"unknown district {district[:40]!r}{suggestion}"]
    return [f"district {district!r} belongs to region {owner!r}, not {region!r}"]


def _parse_officers(text: str, regions: RegionsFile | None) -> tuple[list[Officer], list[Problem]]:
    """Officer rows and their problems; without valid regions, references go unchecked."""
    problems: list[Problem] = []
    officers: list[Officer] = []
    region_of_district: dict[str, str] = {}
    districts_of: dict[str, list[str]] = {}
    for each in regions.regions if regions is not None else []:
        districts_of.setdefault(each.id, list(each.districts))
        for district_id in each.districts:
            region_of_district.setdefault(district_id, each.id)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [Problem(OFFICERS, "line 1", f"malformed CSV: {exc}")]
    expected = list(OFFICER_COLUMNS)
    if [cell.strip() for cell in header or []] == [*expected, ROLE_COLUMN]:
        expected.append(ROLE_COLUMN)
    if header is None:
        return [], [
            Problem(OFFICERS, "", f"the file is empty; expected header {','.join(expected)}")
        ]
    if [cell.strip() for cell in header] != expected:
        got = ",".join(header)[:80]
        hint = ""
        if len(header) == 1 and header[0].count(";") >= len(expected) - 1:
            hint = "; the columns are separated by ';': save the file as CSV with ','"
        return [], [
            Problem(OFFICERS, "line 1", f"header must be {','.join(expected)}, got {got!r}{hint}")
        ]
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(expected):
                hint = (
                    "; put a value that contains ',' in double quotes"
                    if len(row) > len(expected)
                    else ""
                )
                problems.append(
                    Problem(
                        OFFICERS,
                        f"line {line}",
                        f"expected {len(expected)} columns, got {len(row)}{hint}",
                    )
                )
                continue
            ident, name, region, district, unavailable = (cell.strip() for cell in row[:5])
            role = row[5].strip() if len(row) > 5 else ""
            place = f"line {line}"
            row_problems = []
            if role and not re.fullmatch(r"[a-z0-9-]+", role):
                row_problems.append(
                    f"role {role[:40]!r} must use only lowercase letters a-z, digits and '-'"
                )
            if not ident:
                row_problems.append("empty id")
            elif ident in seen:
                row_problems.append(f"duplicate officer id {ident!r} (first on line {seen[ident]})")
            else:
                seen[ident] = line
            if not name:
                row_problems.append("empty name")
            # Without a valid regions.yaml (reported on its own) references cannot be checked.
            if regions is not None:
                row_problems.extend(
                    _officer_reference_problems(region, district, districts_of, region_of_district)
                )
            try:
                ranges = parse_date_set_text(unavailable)
            except ValueError as exc:
                row_problems.append(f"unavailable: {exc}")
                ranges = ()
            if row_problems:
                problems.extend(Problem(OFFICERS, place, p) for p in row_problems)
                continue
            officers.append(
                Officer.model_construct(
                    id=ident,
                    name=name,
                    region=region,
                    district=district,
                    unavailable=ranges,
                    line=line,
                    role=role or DEFAULT_ROLE,
                )
            )
    except csv.Error as exc:
        problems.append(Problem(OFFICERS, f"line {reader.line_num}", f"malformed CSV: {exc}"))
    return officers, problems
