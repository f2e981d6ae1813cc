"""Scenarios: ``--set KEY=VALUE`` and ``--drop KEY`` edits of a data folder (spec section 4).

A KEY is a dotted path. Its first segment may name the file (``constraints``, ``regions``,
``trainers``); without one the path is into ``constraints.yaml``. ``regions.<id>...`` and
``trainers.<id>...`` address ``regions.yaml`` / ``trainers.yaml`` when the id exists there, so
``trainers.max_per_week`` is the constraints' rule while ``trainers.t02.unavailable`` is trainer
t02's leave. List items are addressed by their ``id`` where they have one, else by index.
VALUE is read as YAML with the project's safe loader (dates stay strings).

Edits go to a deep copy of the parsed files; :func:`build_scenario` then validates the changed
data exactly like files, so every defect is reported with its file and place (exit 3).
"""

from __future__ import annotations

import copy
import csv
import difflib
import hashlib
import io
import json
import types
import typing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from trafficplan.atomic import write_bytes_atomic, write_text_atomic
from trafficplan.errors import InputError, Problem, UsageError
from trafficplan.inputs.loading import (
    CONSTRAINTS,
    DATA_FILES,
    OFFICERS,
    REGIONS,
    TRAINERS,
    YAML_MODELS,
    RawData,
    build_data,
    read_raw,
)
from trafficplan.inputs.models import Region
from trafficplan.inputs.problem import ProblemData
from trafficplan.inputs.yamlio import YamlSyntaxError, parse_yaml
from trafficplan.plan.format import Plan, PlanEdit

FILE_PREFIXES = {"constraints": CONSTRAINTS, "regions": REGIONS, "trainers": TRAINERS}

ChangeAction = Literal["set", "add", "drop"]


class _Missing:
    """Marks a key that was not present before a change."""

    def __repr__(self) -> str:
        return "(not set)"


MISSING: Any = _Missing()


# ----- what a change is -------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One applied edit: the file, the key as the user addresses it, old and new value."""

    action: ChangeAction
    file: str
    key: str
    old: Any = MISSING
    new: Any = MISSING

    def __str__(self) -> str:
        if self.action == "drop":
            if isinstance(self.old, dict) and "name" in self.old:
                was = f" ({_show(self.old['name'])})"
            else:
                was = "" if self.old is MISSING else f" (was {_show(self.old)})"
            return f"{self.file}: drop {self.key}{was}"
        if self.action == "add":
            return f"{self.file}: add {self.key} = {_show(self.new)}"
        return f"{self.file}: {self.key}: {_show(self.old)} -> {_show(self.new)}"

    def to_json(self) -> dict[str, Any]:
        """The change as a JSON-ready dict (``old``/``new`` are null when not set)."""
        return {
            "action": self.action,
            "file": self.file,
            "key": self.key,
            "old": None if self.old is MISSING else self.old,
            "new": None if self.new is MISSING else self.new,
        }


@dataclass
class Scenario:
    """A data folder with edits applied (not validated yet; see :func:`build_scenario`).

    Attributes:
        raw: the changed files, in the form :func:`~trafficplan.inputs.build_data` takes.
        changes: the edits, in the order applied (sets first, then drops).
        dropped_officers: officers removed from ``officers.csv`` because their region or
            district was dropped.
    """

    raw: RawData
    changes: list[Change] = field(default_factory=list)
    dropped_officers: int = 0

    @property
    def changed_files(self) -> list[str]:
        """Names of the files the scenario changes, in the data folder's order."""
        touched = {c.file for c in self.changes}
        if self.dropped_officers:
            touched.add(OFFICERS)
        return [name for name in DATA_FILES if name in touched]

    def lines(self) -> list[str]:
        """One line per change, for the user."""
        lines = [str(change) for change in self.changes]
        if self.dropped_officers:
            lines.append(
                f"{OFFICERS}: {self.dropped_officers} officer(s) of the dropped region or "
                "district left out"
            )
        return lines

    def to_json(self) -> dict[str, Any]:
        """The scenario as a JSON-ready dict."""
        return {
            "changes": [change.to_json() for change in self.changes],
            "dropped_officers": self.dropped_officers,
        }

    def file_texts(self) -> dict[str, str]:
        """The text of every changed file, as :func:`write_scenario_data` writes it."""
        texts = {}
        for name in self.changed_files:
            if name == OFFICERS:
                texts[name] = self.raw.officers_text
            else:
                texts[name] = yaml.safe_dump(
                    self.raw.yaml[name], sort_keys=False, allow_unicode=True
                )
        return texts


# ----- parsing the command-line forms -----------------------------------------------------------
def parse_assignment(text: str) -> tuple[str, Any]:
    """Split ``KEY=VALUE`` and read VALUE as YAML (dates stay strings).

    Raises:
        UsageError: no ``=``, an empty or malformed key, or a value that is not valid YAML.
    """
    key, sep, value_text = text.partition("=")
    if not sep:
        raise UsageError(f"--set {text[:60]!r}: expected KEY=VALUE, e.g. sessions.officers.max=30")
    key = parse_key(key, option="--set")
    try:
        value = parse_yaml(value_text)
    except YamlSyntaxError as exc:
        raise UsageError(f"--set {key}: the value is not valid YAML: {exc}") from None
    return key, value


def parse_key(text: str, option: str = "--drop") -> str:
    """Check the syntax of a dotted KEY (non-empty segments) and return it stripped.

    Raises:
        UsageError: an empty key or an empty segment (``a..b``, a trailing dot).
    """
    key = text.strip()
    if not key:
        raise UsageError(f"{option}: empty KEY")
    if any(not segment.strip() for segment in key.split(".")):
        raise UsageError(f"{option} {key[:60]!r}: a KEY is dot-separated names, none empty")
    return key


# ----- applying ---------------------------------------------------------------------------------
def apply_scenario(raw: RawData, sets: list[str], drops: list[str]) -> Scenario:
    """Apply ``KEY=VALUE`` assignments, then ``KEY`` removals, to a copy of ``raw``.

    Drops are all resolved before any is removed, so ``--drop sessions.fixed.0 --drop
    sessions.fixed.1`` removes the first two entries as the files number them.

    Raises:
        UsageError: a malformed assignment or key (exit 2).
        InputError: a key that names nothing valid (with the closest valid names), or a
            removal of a required key (exit 3).
    """
    assignments = [parse_assignment(text) for text in sets]
    drop_keys = [parse_key(text) for text in drops]
    docs = copy.deepcopy(raw.yaml)
    changes: list[Change] = []
    for key, value in assignments:
        changes.append(_set(docs, key, value))
    targets = [_locate_drop(docs, key) for key in drop_keys]
    removed_regions: set[str] = set()
    removed_districts: set[str] = set()
    seen: set[tuple[int, str | int]] = set()
    for target in targets:
        identity = (id(target.container), target.slot)
        if identity in seen:
            continue
        seen.add(identity)
        changes.append(target.change)
        if target.region_id is not None:
            removed_regions.add(target.region_id)
        if target.district_id is not None:
            removed_districts.add(target.district_id)
    _remove_all(targets)
    officers_text, dropped = _without_officers(
        raw.officers_text, removed_regions, removed_districts
    )
    changed = replace(raw, yaml=docs, officers_text=officers_text, digests=dict(raw.digests))
    scenario = Scenario(raw=changed, changes=changes, dropped_officers=dropped)
    for name, text in scenario.file_texts().items():
        changed.digests[name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return scenario


def build_scenario(raw: RawData, sets: list[str], drops: list[str]) -> tuple[ProblemData, Scenario]:
    """Apply a scenario and validate the changed data exactly like files.

    Raises:
        UsageError: a malformed assignment or key (exit 2).
        InputError: an unknown key, or changed data that are invalid (exit 3).
    """
    scenario = apply_scenario(raw, sets, drops)
    return build_data(scenario.raw), scenario


def write_scenario_data(scenario: Scenario, folder: Path) -> None:
    """Write the scenario's four files into ``folder`` (unchanged files copied byte for byte).

    Raises:
        InputError: an unchanged original file can no longer be read.
    """
    texts = scenario.file_texts()
    for name in DATA_FILES:
        if name in texts:
            write_text_atomic(folder / name, texts[name])
            continue
        try:
            original = (scenario.raw.folder / name).read_bytes()
        except OSError as exc:
            raise InputError([Problem(name, "", f"cannot read: {exc.strerror}")]) from None
        write_bytes_atomic(folder / name, original)


# ----- the shape of the files, from their models ------------------------------------------------
@dataclass(frozen=True)
class _Shape:
    """What a node of a file holds: a model (mapping), a list, or a plain value."""

    kind: Literal["model", "list", "value"]
    model: type[BaseModel] | None = None
    item: _Shape | None = None

    @property
    def keyed(self) -> bool:
        """A list whose items are addressed by their ``id``."""
        return (
            self.kind == "list"
            and self.item is not None
            and self.item.model is not None
            and "id" in self.item.model.model_fields
        )


def _shape_of(annotation: Any) -> _Shape:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _shape_of(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        shapes = [_shape_of(a) for a in typing.get_args(annotation) if a is not type(None)]
        return next((s for s in shapes if s.kind != "value"), _Shape("value"))
    if origin in (list, tuple):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return _Shape("list", item=_shape_of(args[0]) if args else _Shape("value"))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _Shape("model", model=annotation)
    return _Shape("value")


# ----- walking a key ----------------------------------------------------------------------------
@dataclass
class _Slot:
    """Where a key ends: the container holding it, the slot in it, and what it may hold."""

    file: str
    key: str  # the key as shown to the user, file prefix included where it has one
    container: dict[str, Any] | list[Any]
    slot: str | int  # a mapping key, or a list index (== len(list) for a new item)
    shape: _Shape  # the shape of the container
    field_required: bool = False
    new_id: str | None = None  # set when the key names a new item of an id-keyed list
    list_owner: tuple[type[BaseModel], str] | None = None  # (model, field) of a list container


def _resolve_file(docs: dict[str, Any], key: str, value: Any = MISSING) -> tuple[str, list[str]]:
    """Which file a key addresses, and the path inside that file's document."""
    segments = key.split(".")
    first = segments[0]
    if first == "constraints":
        if len(segments) == 1:
            raise _unknown(CONSTRAINTS, key, "the key names the whole file; add a key after it")
        return CONSTRAINTS, segments[1:]
    if first in ("regions", "trainers") and len(segments) > 1:
        file = FILE_PREFIXES[first]
        if segments[1] in _ids(docs.get(file), first):
            return file, segments
        constraint_fields = _constraint_fields(first)
        if segments[1] in constraint_fields:
            return CONSTRAINTS, segments
        adds_item = len(segments) == 2 and isinstance(value, dict)
        if adds_item:
            return file, segments
        noun = "region" if first == "regions" else "trainer"
        ids = _ids(docs.get(file), first)
        close = difflib.get_close_matches(segments[1], ids + constraint_fields, n=3, cutoff=0.6)
        hint = _did_you_mean(close) or f" (ids: {_listing(ids)})"
        where = f" and no key {segments[1]!r} in {CONSTRAINTS} {first}" if constraint_fields else ""
        raise _unknown(
            file, f"{first}.{segments[1]}", f"no {noun} {segments[1]!r} in {file}{where}{hint}"
        )
    if first == "regions":
        return REGIONS, segments
    return CONSTRAINTS, segments


def _constraint_fields(section: str) -> list[str]:
    model = YAML_MODELS[CONSTRAINTS]
    if section not in model.model_fields:
        return []
    shape = _shape_of(model.model_fields[section].annotation)
    return list(shape.model.model_fields) if shape.model is not None else []


def _ids(items_doc: Any, list_key: str) -> list[str]:
    items = items_doc.get(list_key) if isinstance(items_doc, dict) else None
    if not isinstance(items, list):
        return []
    return [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]


def _walk(docs: dict[str, Any], key: str, value: Any, creating: bool) -> _Slot:
    """Follow ``key`` down to the slot it names; ``creating`` makes missing mappings."""
    file, path = _resolve_file(docs, key, value)
    model = YAML_MODELS[file]
    document = docs.get(file)
    if not isinstance(document, dict):
        raise _unknown(file, key, "the file is not a mapping")
    container: dict[str, Any] | list[Any] = document
    shape = _Shape("model", model=model)
    owner: tuple[type[BaseModel], str] | None = None
    shown: list[str] = []
    for index, segment in enumerate(path):
        last = index == len(path) - 1
        place = ".".join([*shown, segment])
        if shape.kind == "model":
            assert shape.model is not None and isinstance(container, dict)
            fields = shape.model.model_fields
            if segment not in fields:
                valid = list(fields)
                close = difflib.get_close_matches(segment, valid, n=3, cutoff=0.6)
                hint = _did_you_mean(close) or f" (valid keys: {_listing(valid)})"
                raise _unknown(file, place, f"unknown key {segment[:40]!r}{hint}")
            child_shape = _shape_of(fields[segment].annotation)
            if last:
                return _Slot(file, place, container, segment, shape, fields[segment].is_required())
            if child_shape.kind == "value":
                raise _unknown(file, place, f"is a single value; it has no {path[index + 1]!r}")
            child = container.get(segment)
            if child is None and creating and child_shape.kind in ("model", "list"):
                child = {} if child_shape.kind == "model" else []
                container[segment] = child
            if child is None:
                raise _unknown(file, place, "is not set, so there is nothing in it to drop")
            _expect_container(file, place, child, child_shape)
            owner = (shape.model, segment) if child_shape.kind == "list" else None
            container, shape = child, child_shape
        elif shape.kind == "list":
            assert shape.item is not None and isinstance(container, list)
            position = _find_item(file, place, container, shape, segment, last, value, creating)
            if last:
                new_id = segment if position == len(container) and shape.keyed else None
                return _Slot(file, place, container, position, shape, False, new_id, owner)
            child = container[position]
            _expect_container(file, place, child, shape.item)
            container, shape, owner = child, shape.item, None
        else:
            raise _unknown(file, ".".join(shown), f"is a single value; it has no {segment!r}")
        shown.append(segment)
    raise _unknown(file, key, "the key names the whole file; add a key after it")


def _find_item(
    file: str,
    place: str,
    items: list[Any],
    shape: _Shape,
    segment: str,
    last: bool,
    value: Any,
    creating: bool,
) -> int:
    """The index of the list item a segment names (len(items) for a new item)."""
    if shape.keyed:
        ids = [str(item.get("id")) for item in items if isinstance(item, dict)]
        for position, item in enumerate(items):
            if isinstance(item, dict) and str(item.get("id")) == segment:
                return position
        if last and creating and isinstance(value, dict):
            return len(items)
        if segment.isdigit() and int(segment) < len(items):
            return int(segment)
        close = difflib.get_close_matches(segment, ids, n=3, cutoff=0.6)
        hint = _did_you_mean(close) or (
            f" (ids: {_listing(ids)})" if ids else " (the list is empty)"
        )
        raise _unknown(file, place, f"no item with id {segment[:40]!r}{hint}")
    if not segment.isdigit():
        raise _unknown(file, place, f"items of this list are addressed by index ({_span(items)})")
    position = int(segment)
    if position < len(items) or (position == len(items) and last and creating):
        return position
    raise _unknown(file, place, f"index {position} is out of range ({_span(items)})")


def _expect_container(file: str, place: str, node: Any, shape: _Shape) -> None:
    if shape.kind == "model" and not isinstance(node, dict):
        raise _unknown(file, place, "is not a mapping here, so it has no keys")
    if shape.kind == "list" and not isinstance(node, list):
        raise _unknown(file, place, "is not a list here, so it has no items")


def _set(docs: dict[str, Any], key: str, value: Any) -> Change:
    slot = _walk(docs, key, value, creating=True)
    container = slot.container
    if isinstance(container, list):
        assert isinstance(slot.slot, int)
        if slot.slot == len(container):
            if slot.new_id is not None:
                assert isinstance(value, dict)
                given = value.get("id", slot.new_id)
                if given != slot.new_id:
                    raise _unknown(
                        slot.file, slot.key, f"the value's id {given!r} differs from the key's"
                    )
                value = {"id": slot.new_id, **{k: v for k, v in value.items() if k != "id"}}
            container.append(value)
            return Change("add", slot.file, slot.key, MISSING, value)
        old = container[slot.slot]
        container[slot.slot] = value
        return Change("set", slot.file, slot.key, old, value)
    assert isinstance(slot.slot, str)
    old = container.get(slot.slot, MISSING)
    container[slot.slot] = value
    return Change("set", slot.file, slot.key, old, value)


@dataclass
class _DropTarget:
    container: dict[str, Any] | list[Any]
    slot: str | int
    change: Change
    region_id: str | None = None
    district_id: str | None = None


def _locate_drop(docs: dict[str, Any], key: str) -> _DropTarget:
    slot = _walk(docs, key, MISSING, creating=False)
    container = slot.container
    if isinstance(container, dict):
        assert isinstance(slot.slot, str)
        if slot.field_required:
            raise _unknown(slot.file, slot.key, "is required, so it cannot be dropped")
        old = container.get(slot.slot, MISSING)
        return _DropTarget(container, slot.slot, Change("drop", slot.file, slot.key, old))
    assert isinstance(slot.slot, int)
    old = container[slot.slot]
    target = _DropTarget(container, slot.slot, Change("drop", slot.file, slot.key, old))
    item_model = slot.shape.item.model if slot.shape.item else None
    if item_model is Region and isinstance(old, dict):
        target.region_id = str(old.get("id"))
    if slot.list_owner == (Region, "districts"):
        # a district is its id, or {id, name} with a display name (spec 7.3)
        target.district_id = str(old.get("id")) if isinstance(old, dict) else str(old)
    return target


def _remove_all(targets: list[_DropTarget]) -> None:
    """Remove every target; list items from the highest index down so indices stay valid."""
    by_container: dict[int, tuple[dict[str, Any] | list[Any], set[str | int]]] = {}
    for target in targets:
        by_container.setdefault(id(target.container), (target.container, set()))[1].add(target.slot)
    for container, slots in by_container.values():
        if isinstance(container, list):
            for position in sorted((s for s in slots if isinstance(s, int)), reverse=True):
                del container[position]
        else:
            for name in slots:
                container.pop(str(name), None)


def _without_officers(text: str, regions: set[str], districts: set[str]) -> tuple[str, int]:
    """``officers.csv`` without the rows of dropped regions or districts, and how many."""
    if not regions and not districts:
        return text, 0
    reader = csv.reader(io.StringIO(text, newline=""))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    dropped = 0
    for number, row in enumerate(reader):
        is_dropped = (
            number > 0
            and len(row) >= 4
            and (row[2].strip() in regions or row[3].strip() in districts)
        )
        if is_dropped:
            dropped += 1
        else:
            writer.writerow(row)
    return buffer.getvalue(), dropped


# ----- messages ---------------------------------------------------------------------------------
def _unknown(file: str, place: str, message: str) -> InputError:
    return InputError([Problem(file, place, message)])


def _span(items: list[Any]) -> str:
    return f"0..{len(items) - 1}" if items else "the list is empty"


def _did_you_mean(close: list[str]) -> str:
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _listing(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _show(value: Any, limit: int = 70) -> str:
    if value is MISSING:
        return "(not set)"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ----- a plan's recorded edits ------------------------------------------------------------------
def plan_edits(sets: list[str], drops: list[str]) -> list[PlanEdit]:
    """The edits as a plan records them (sets, then drops, as applied)."""
    return [PlanEdit(option="set", text=t) for t in sets] + [
        PlanEdit(option="drop", text=t) for t in drops
    ]


def load_data_for_plan(folder: Path, plan: Plan) -> ProblemData:
    """The data a plan was made from: the folder, with the plan's recorded edits applied.

    A plan made with scenario edits (``replan --set ...``) records them with the digests of
    the folder they were applied to (``inputs.base_sha256``) and of the edited files
    (``inputs.sha256``). When the folder is the edited one (``replan --save-data``), it is
    read as it is; otherwise the edits are applied to it, so that the data's digests are
    those the plan records whenever the base folder is unchanged.

    Raises:
        InputError: the folder is invalid, or a recorded edit no longer applies to it.
        UsageError: a recorded edit is malformed.
    """
    raw = read_raw(folder)
    if not plan.edits or _matches(raw.digests, plan.inputs.sha256):
        return build_data(raw)
    sets = [e.text for e in plan.edits if e.option == "set"]
    drops = [e.text for e in plan.edits if e.option == "drop"]
    return build_scenario(raw, sets, drops)[0]


def _matches(digests: dict[str, str], recorded: dict[str, str]) -> bool:
    return bool(recorded) and all(recorded.get(name) == d for name, d in digests.items())
