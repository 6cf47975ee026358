"""Builders for solver tests: the contract's tiny example, and edits of it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contract"  # shared/ sits beside the repo


@pytest.fixture
def tiny_doc() -> Callable[[], dict]:
    """Builder: a fresh deep copy of the contract's tiny example instance."""
    raw = json.loads((CONTRACT / "examples" / "tiny.instance.json").read_text())
    return lambda: copy.deepcopy(raw)


@pytest.fixture
def tiny_roster_doc() -> Callable[[], dict]:
    """Builder: a fresh copy of the contract's example roster."""
    raw = json.loads((CONTRACT / "examples" / "tiny.roster.json").read_text())
    return lambda: copy.deepcopy(raw)
