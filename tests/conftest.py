"""Shared fixtures: the real plan, parsed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.outline import Outline, load_outline

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "corpus" / "panyu-14th-five-year-plan.txt"


@pytest.fixture(scope="session")
def plan_text() -> str:
    return PLAN.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def outline() -> Outline:
    return load_outline(PLAN)


@pytest.fixture(scope="session")
def assistant():
    """The real assistant: real index (built if missing), real converted e5 model."""
    from assistant.api import Assistant

    return Assistant.open(progress=False)
