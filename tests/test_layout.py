"""The project runs from this repository: every top-level package resolves inside it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("domain", "storage", "connectors", "bots", "flows", "hub")


@pytest.mark.parametrize("name", PACKAGES)
def test_top_level_package_resolves_inside_the_repository(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().parent == REPO / name


def test_layout_has_the_documented_files() -> None:
    for path in (
        "prefect.yaml",
        "pyproject.toml",
        "README.md",
        "Makefile",
        ".ci/run",
        ".env.example",
        "requirements.lock",
        "bench",
    ):
        assert (REPO / path).exists(), path
