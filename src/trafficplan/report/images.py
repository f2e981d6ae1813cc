"""PNG files of the report's charts, through plotly's static export (kaleido).

kaleido 1.x draws each figure in a headless Chrome or Chromium that it finds on the machine
(``BROWSER_PATH``, else the usual names on ``PATH``, e.g. Debian's ``chromium``). The page it
renders in uses the plotly.js shipped with plotly and no MathJax, so nothing is fetched from
the network.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from trafficplan.errors import ExitCode, TrafficplanError
from trafficplan.report.figures import ReportFigure

PNG_SCALE = 2
RENDER_TIMEOUT_SECONDS = 90
NO_BROWSER_MESSAGE = (
    "--png needs Chrome or Chromium for plotly's image export and none was found; "
    "install one (Debian: apt-get install chromium) or set BROWSER_PATH to it, "
    "or leave out --png"
)


class ImageExportError(TrafficplanError):
    """The PNG export cannot run here (no browser) or failed; exit code 2."""

    exit_code = ExitCode.USAGE


def find_browser() -> str | None:
    """The Chrome/Chromium kaleido would use, or None when there is none (or no kaleido)."""
    try:
        import kaleido  # noqa: F401
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return None
    try:
        found = Chromium.find_browser(skip_local=False)
    except (OSError, RuntimeError, ValueError):
        return None
    # BROWSER_PATH is taken as given by the finder; make sure it really is a program.
    if not found or not Path(found).is_file() or not os.access(found, os.X_OK):
        return None
    return str(found)


def require_browser() -> str:
    """The browser for the PNG export.

    Raises:
        ImageExportError: when kaleido or a Chrome/Chromium is missing.
    """
    browser = find_browser()
    if browser is None:
        raise ImageExportError(NO_BROWSER_MESSAGE)
    return browser


async def _render_all(figures: list[ReportFigure], scale: float) -> list[bytes]:
    import kaleido

    images: list[bytes] = []
    async with kaleido.Kaleido(n=1, mathjax=False, timeout=RENDER_TIMEOUT_SECONDS) as engine:
        for figure in figures:
            opts: dict[str, Any] = {
                "format": "png",
                "width": figure.width,
                "height": figure.height,
                "scale": scale,
            }
            images.append(await engine.calc_fig(figure.figure, opts=opts))
    return images


def render_pngs(figures: list[ReportFigure], scale: float = PNG_SCALE) -> dict[str, bytes]:
    """Each figure as PNG bytes, by ``<slug>.png``, all drawn in one browser session.

    Raises:
        ImageExportError: no browser, or the browser failed to draw a figure.
    """
    require_browser()
    try:
        images = asyncio.run(_render_all(figures, scale))
    except ImageExportError:
        raise
    except Exception as exc:  # the browser can fail in many ways; the user needs one line
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ImageExportError(f"PNG export failed: {first_line[:200]}") from None
    return {f"{figure.slug}.png": image for figure, image in zip(figures, images, strict=True)}
