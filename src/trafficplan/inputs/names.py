"""Names in more than one language (spec 7.3).

A name in the data (a region, venue, NGO, trainer, city, the programme's title...) is either a
string or a mapping of language code to string::

    name: {en: Khmelnytskyi, uk: Хмельницький}

The first entry is the default. A mapping is read into a :class:`LocalText`: a ``str`` whose
value is the default, so every part of the tool that reads a name as text keeps working
unchanged, and which also carries every language's form for the outputs that are rendered in
a language (:func:`in_language`). A plain string stays a plain ``str``.

A district may gain a display name the same way: an item of ``districts`` is a slug, or
``{id: slug, name: ...}``; it is read into a :class:`DistrictId`, a ``str`` equal to the slug
(so ids, lookups and the officers' references are unchanged) that knows its display name. A
district's name is shown only in the languages it is given in (elsewhere its id, as before:
:func:`trafficplan.i18n.data.district_names`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import StringConstraints, ValidatorFunctionWrapHandler, WrapValidator

_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_SLUG = re.compile(r"[a-z0-9-]+")


class LocalText(str):
    """A name given in several languages: the ``str`` value is the default (first) form."""

    forms: Mapping[str, str]

    def __new__(cls, forms: Mapping[str, str]) -> LocalText:
        """A name from its forms by language code, the default first (at least one)."""
        default = next(iter(forms.values()))
        text = super().__new__(cls, default)
        text.forms = MappingProxyType(dict(forms))
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled for worker processes: rebuild from the forms, not from the default text
        return (LocalText, (dict(self.forms),))

    def in_language(self, language: str) -> str:
        """The form in ``language``, else the default."""
        return self.forms.get(language, str(self))


class DistrictId(str):
    """A district's id (its slug, the ``str`` value), with the display name the data give."""

    display: str | None

    def __new__(cls, slug: str, display: str | None = None) -> DistrictId:
        """A district id with an optional display name (a ``str`` or :class:`LocalText`)."""
        text = super().__new__(cls, slug)
        text.display = display
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (DistrictId, (str(self), self.display))


def in_language(text: str | None, language: str) -> str | None:
    """``text`` in ``language``: its form there if it is a :class:`LocalText` that has one,
    else the text as it is (a plain string, or a name without that language)."""
    if isinstance(text, LocalText):
        return text.in_language(language)
    return text


@cache
def is_language_code(code: str) -> bool:
    """Whether ``code`` is a language code CLDR knows (``en``, ``uk``, ``da``...)."""
    if not _LANGUAGE_CODE.fullmatch(code):
        return False
    from babel import localedata

    return bool(localedata.exists(code))


def _forms(value: Mapping[Any, Any], max_length: int) -> LocalText:
    """Check a mapping of language code to name and read it into a :class:`LocalText`."""
    if not value:
        raise ValueError(
            "must not be empty: give a name, or a mapping of language code to name "
            "({en: ..., uk: ...})"
        )
    forms: dict[str, str] = {}
    for code, name in value.items():
        if not isinstance(code, str) or not is_language_code(code):
            raise ValueError(
                f"{str(code)[:20]!r} is not a language code (ISO 639, lower case, e.g. en, uk)"
            )
        if not isinstance(name, str):
            raise ValueError(f"{code}: expected text, got {type(name).__name__}")
        stripped = name.strip()
        if not stripped:
            raise ValueError(f"{code}: the name is empty")
        if len(stripped) > max_length:
            raise ValueError(f"{code}: is too long (at most {max_length} characters)")
        forms[code] = stripped
    return LocalText(forms)


def _local(max_length: int) -> Callable[[Any, ValidatorFunctionWrapHandler], Any]:
    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if isinstance(value, LocalText):
            return value
        if isinstance(value, Mapping):
            return _forms(value, max_length)
        return handler(value)  # a plain string: checked exactly as before

    return validate


LocalName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True),
    WrapValidator(_local(200)),
]
"""A name: a non-empty string, or a mapping of language code to such a string."""
LocalLongText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500, strip_whitespace=True),
    WrapValidator(_local(500)),
]
"""Free text shown to people (an address, the programme's title), in one or more languages."""


def _district(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    if isinstance(value, DistrictId):
        return value
    if not isinstance(value, Mapping):
        return handler(value)  # a slug, checked as before
    unknown = [str(key) for key in value if key not in ("id", "name")]
    if unknown:
        raise ValueError(f"unknown key {unknown[0][:40]!r} (a district is {{id: slug, name: ...}})")
    slug = value.get("id")
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug) or len(slug) > 64:
        raise ValueError(
            f"id: expected a slug of a-z, 0-9 and '-', got {str(slug)[:40]!r}"
            if slug is not None
            else "missing required key 'id' (a district is {id: slug, name: ...})"
        )
    name = value.get("name")
    if name is None:
        return DistrictId(slug)
    if isinstance(name, str):
        if not name.strip():
            raise ValueError("name: the name is empty")
        return DistrictId(slug, name.strip())
    if isinstance(name, Mapping):
        try:
            return DistrictId(slug, _forms(name, 200))
        except ValueError as exc:
            raise ValueError(f"name: {exc}") from None
    raise ValueError("name: expected a name or a mapping of language code to name")


DistrictItem = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9-]+$", min_length=1, max_length=64),
    WrapValidator(_district),
]
"""An item of a region's ``districts``: a slug, or ``{id: slug, name: ...}``."""
