"""File names derived from ids: they never leave the export folder and never collide.

Region and trainer ids become file names (``rosters/<region>.csv``,
``calendars/<trainer>.ics``). Whatever an id holds, its file name is a plain slug: no path
separator, no ``..``, no leading dot or dash, no name Windows reserves, and distinct from every
other id's name even on a case-insensitive file system.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

MAX_STEM_LENGTH = 64
FALLBACK_STEM = "unnamed"
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9_-]+")
_DASH_RUN = re.compile(r"-{2,}")
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{digit}" for digit in range(1, 10)]
    + [f"lpt{digit}" for digit in range(1, 10)]
)


def safe_file_stem(identifier: str) -> str:
    """A file-name stem (no extension) made from ``identifier``.

    Keeps ASCII letters, digits, ``_`` and ``-``; any other run of characters (``/``, ``\\``,
    ``.``, spaces, non-ASCII letters, control characters) becomes one ``-``. Leading and
    trailing ``-``/``_`` are dropped, the length is capped, an empty result becomes
    ``unnamed`` and a Windows device name (``CON``, ``nul``, ``COM1``...) gets a trailing ``_``.
    The result may be shared by several ids; :func:`unique_file_stems` makes them distinct.
    """
    stem = _DASH_RUN.sub("-", _UNSAFE_RUN.sub("-", identifier)).strip("-_")
    stem = stem[:MAX_STEM_LENGTH].rstrip("-_") or FALLBACK_STEM
    if stem.lower() in _WINDOWS_RESERVED:
        stem += "_"
    return stem


def _with_digest(stem: str, identifier: str, digits: int) -> str:
    digest = hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:digits]
    return f"{stem}-{digest}"


def unique_file_stems(identifiers: Iterable[str]) -> dict[str, str]:
    """Map every id to a safe stem, distinct from all others ignoring case.

    An id whose stem no other id shares keeps its plain stem (``t01`` -> ``t01``). Ids whose
    stems clash (``T01`` and ``t01``, ``a.b`` and ``a-b``) all get a short digest of the id
    appended, so each one's name depends on that id alone, not on the order of the list.
    """
    unique_ids = list(dict.fromkeys(identifiers))
    plain = {ident: safe_file_stem(ident) for ident in unique_ids}
    sharing: dict[str, list[str]] = defaultdict(list)
    for ident in unique_ids:
        sharing[plain[ident].lower()].append(ident)

    proposed = {
        ident: plain[ident]
        if len(sharing[plain[ident].lower()]) == 1
        else _with_digest(plain[ident], ident, 8)
        for ident in unique_ids
    }
    # A digest-suffixed stem may, very rarely, equal another id's plain stem; plain stems are
    # placed first and the suffixed one grows its digest until it is free.
    result: dict[str, str] = {}
    taken: set[str] = set()
    for ident in sorted(unique_ids, key=lambda i: (proposed[i] != plain[i], i)):
        stem, digits = proposed[ident], 8
        while stem.lower() in taken:
            digits += 8
            stem = (
                _with_digest(plain[ident], ident, digits)
                if digits <= 64
                else f"{_with_digest(plain[ident], ident, 64)}-{digits // 8 - 8}"
            )
        taken.add(stem.lower())
        result[ident] = stem
    return {ident: result[ident] for ident in unique_ids}
