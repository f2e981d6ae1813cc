"""The language of what leaves the office (spec 7.3): message catalogues, and dates, numbers
and plural forms by the locale's CLDR rules.

Outputs for people outside the office (exports, sign-in sheets, certificates, calendars) are
rendered in a language chosen with ``--lang``; the terminal stays English. Code marks its
messages with the gettext functions of this module (``gettext`` as ``_``, ``ngettext`` for
counts, ``pgettext`` where the same English word needs a context) and renders an output inside
``with use_language(lang):``. Outside such a block, and in English, every function returns its
English message unchanged, so English output is exactly what it was before catalogues existed.

The catalogues are gettext ``.po`` files kept in the package
(``i18n/locale/<lang>/LC_MESSAGES/trafficplan.po``, template ``i18n/locale/trafficplan.pot``,
updated with ``pybabel extract``/``update``, see ``docs/translation.md``). A language's ``.po``
is read with Babel and compiled in memory the first time it is used in a process: there is no
build step, so the package works right after ``pip install -e .``, and the catalogue in the
repository is the only copy that can go stale.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache
from importlib import resources

DOMAIN = "trafficplan"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "uk")
"""The languages outputs can be rendered in: English (the messages as written) and Ukrainian."""

_ENGLISH_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ENGLISH_LONG_WEEKDAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class UnknownLanguageError(ValueError):
    """A language the tool has no catalogue for."""


def catalogue_path(language: str) -> resources.abc.Traversable:
    """Where the package keeps the ``.po`` catalogue of ``language``."""
    return resources.files(__name__) / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The gettext translations of ``language``: English gives every message as written;
    another language's ``.po`` is read and compiled in memory once per process.

    Raises:
        UnknownLanguageError: ``language`` is not one of :data:`LANGUAGES`.
    """
    if language not in LANGUAGES:
        raise UnknownLanguageError(
            f"unknown language {language!r} (languages: {', '.join(LANGUAGES)})"
        )
    if language == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with catalogue_path(language).open("rb") as source:
        catalogue = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


_language: ContextVar[str] = ContextVar("trafficplan_language", default=SOURCE_LANGUAGE)


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Render in ``language`` inside the block (the messages of this module's functions and
    the locale of :func:`long_date`...); the previous language comes back after it."""
    translations(language)  # fails before the block for an unknown language
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def current_language() -> str:
    """The language outputs are rendered in now (``en`` outside :func:`use_language`)."""
    return _language.get()


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues where it is defined; translate it where it is
    shown, with :func:`gettext`."""
    return message


def gettext(message: str) -> str:
    """``message`` in the current language."""
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` in the current language (Ukrainian has three:
    1 учасник, 2 учасники, 5 учасників)."""
    return translations(_language.get()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English words used in
    another ``context`` (a column header ``date`` and the word "date" in a sentence)."""
    return translations(_language.get()).pgettext(context, message)


def long_date(day: date) -> str:
    """A date with its weekday, in words: ``Wednesday, 16 July 2008``; in Ukrainian by CLDR,
    the month in the genitive: ``середа, 16 липня 2008 р.``."""
    language = _language.get()
    if language == SOURCE_LANGUAGE:
        return (
            f"{_ENGLISH_LONG_WEEKDAYS[day.weekday()]}, {day.day} "
            f"{_ENGLISH_MONTHS[day.month - 1]} {day.year}"
        )
    from babel.dates import format_date

    return format_date(day, "full", locale=language)


def day_month_year(day: date) -> str:
    """A date in words without the weekday: ``16 July 2008``, ``16 липня 2008 р.``."""
    language = _language.get()
    if language == SOURCE_LANGUAGE:
        return f"{day.day} {_ENGLISH_MONTHS[day.month - 1]} {day.year}"
    from babel.dates import format_date

    return format_date(day, "long", locale=language)


def weekday_abbreviation(day: date) -> str:
    """The weekday of ``day`` in short: ``Wed``; in Ukrainian ``Ср`` (CLDR's abbreviation,
    capitalised as a cell of its own)."""
    language = _language.get()
    if language == SOURCE_LANGUAGE:
        return _ENGLISH_WEEKDAYS[day.weekday()]
    from babel.dates import get_day_names

    name = get_day_names("abbreviated", locale=language)[day.weekday()]
    return name[:1].upper() + name[1:]


def format_number(value: float, digits: int = 0) -> str:
    """A number with the locale's grouping and decimal sign: ``58,681.86`` in English (as the
    English outputs always wrote it), ``58 681,86`` in Ukrainian (CLDR)."""
    language = _language.get()
    if language == SOURCE_LANGUAGE:
        return f"{value:,.{digits}f}"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=language)


def format_percent(share: float, digits: int = 1) -> str:
    """A share as a percentage: ``12.3 %`` in English (as the report always wrote it), by the
    locale's CLDR pattern elsewhere: ``12,3%``."""
    language = _language.get()
    if language == SOURCE_LANGUAGE:
        return f"{100 * share:.{digits}f} %"
    from babel.numbers import format_percent as babel_percent

    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel_percent(share, format=pattern, locale=language)


def short_date(day: date) -> str:
    """A date with its weekday in short, for a table cell or a chart, in a language other
    than English (English callers keep their own patterns): ``ср 16.07.2008``."""
    from babel.dates import format_date

    language = _language.get()
    return format_date(day, "EEE dd.MM.y", locale=language)


def format_eur(value: float) -> str:
    """An amount in euros: ``EUR 58,681.86`` in English (as before); by the locale's grouping
    and decimal sign with the euro sign after it elsewhere: ``58 681,86 €``."""
    if _language.get() == SOURCE_LANGUAGE:
        return f"EUR {value:,.2f}"
    return f"{format_number(value, 2)}\u00a0€"
