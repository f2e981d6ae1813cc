"""Shared pytest fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from datafactory import tiny, write_data

REPO = Path(__file__).resolve().parents[1]
SHIPPED_DATA = REPO / "data"


@pytest.fixture
def tiny_data() -> dict:
    """The tiny instance's dicts (see ``datafactory.tiny``), free to modify."""
    return tiny()


@pytest.fixture
def tiny_folder(tmp_path: Path) -> Path:
    """The tiny instance written as a data folder."""
    return write_data(tmp_path / "data", tiny())
