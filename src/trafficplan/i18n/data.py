"""The data folder with its names in one language, for the outputs rendered in it.

The data may give a name in several languages (:class:`~trafficplan.inputs.names.LocalText`).
An output in a language is built from :func:`localized_data`: the same data in which every such
name is its form in that language (the default where the data give none), so the code that
builds rows and documents reads names as it always has, and ids are untouched.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel

from trafficplan.i18n import current_language
from trafficplan.inputs.names import DistrictId, LocalText
from trafficplan.inputs.problem import ProblemData


def _localized(value: Any, language: str) -> Any:
    """``value`` with every name in ``language``; the very same object where nothing changes."""
    if isinstance(value, LocalText):
        return value.in_language(language)
    if isinstance(value, BaseModel):
        updates = {}
        for name in type(value).model_fields:
            current = getattr(value, name)
            changed = _localized(current, language)
            if changed is not current:
                updates[name] = changed
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, list | tuple):
        items = [_localized(item, language) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    return value


@dataclasses.dataclass
class LocalizedData(ProblemData):
    """A data folder with its names in one language; ``original`` is the data as read (what
    identifiers derived from names, such as a calendar's programme id, are made from)."""

    original: ProblemData | None = None


def original_data(data: ProblemData) -> ProblemData:
    """The data as read, with names in their default forms (``data`` itself unless it was
    made by :func:`localized_data`)."""
    return getattr(data, "original", None) or data


def localized_data(data: ProblemData, language: str) -> ProblemData:
    """``data`` with the names of regions, districts, cities, venues (and addresses), NGOs,
    trainers and the programme in ``language`` (officers have one name: left as they are)."""
    regions = _localized(data.regions, language)
    trainers = _localized(data.trainers, language)
    constraints = _localized(data.constraints, language)
    if regions is data.regions and trainers is data.trainers and constraints is data.constraints:
        return data
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(ProblemData)}
    fields.update(regions=regions, trainers=trainers, constraints=constraints)
    return LocalizedData(**fields, original=original_data(data))


def district_names(data: ProblemData) -> dict[str, str]:
    """Each district's name as documents in the current language print it: its display name
    there, else its id. A district's name is shown only in the languages it is given in (a
    plain string: in all): its id is what every output showed before, and stays the name
    elsewhere, so a district named only in Ukrainian leaves English documents as they were."""
    language = current_language()
    names: dict[str, str] = {}
    for region in data.regions:
        for district in region.districts:
            display = district.display if isinstance(district, DistrictId) else None
            if isinstance(display, LocalText):
                display = display.forms.get(language)
            names[str(district)] = display or str(district)
    return names
