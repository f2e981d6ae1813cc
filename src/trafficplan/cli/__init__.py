"""The thin Typer CLI: parse, call the library, render. Every command lives in its own module."""

from __future__ import annotations

import importlib
import pkgutil

from trafficplan.cli.app import app

_SUPPORT_MODULES = {"app", "common", "render"}

for _module in sorted(pkgutil.iter_modules(__path__)):
    if not _module.name.startswith("_") and _module.name not in _SUPPORT_MODULES:
        importlib.import_module(f"{__name__}.{_module.name}")


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
