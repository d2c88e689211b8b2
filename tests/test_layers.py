"""Dependencies point inward: each package imports only the layers the design allows.

An `ast` walk over every module (imports under `TYPE_CHECKING` and inside functions
count too, since they are still a dependency a reader has to follow), so the rule holds
without running the code and a forbidden import fails with its file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# What each of our packages may import of ours, besides itself. `hub` is the composition
# root and may import everything; `tests` and `bench` are outside the product.
ALLOWED: dict[str, frozenset[str]] = {
    "domain": frozenset(),
    "storage": frozenset({"domain"}),
    "connectors": frozenset({"domain"}),
    "bots": frozenset({"domain"}),
    "flows": frozenset({"domain"}),
    "hub": frozenset({"domain", "storage", "connectors", "bots", "flows"}),
}
OURS = frozenset(ALLOWED)


@dataclass(frozen=True, slots=True)
class Violation:
    """One import that crosses a layer the wrong way."""

    path: Path
    line: int
    imported: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.imported}"


def imported_modules(source: str, module: str) -> Iterator[tuple[int, str]]:
    """Every module a source file names in an import, relative ones resolved."""
    package_parts = module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            yield node.lineno, name


def violations_in(root: Path, package: str) -> list[Violation]:
    """The forbidden imports of one top-level package under `root`."""
    allowed = ALLOWED[package] | {package}
    found: list[Violation] = []
    for path in sorted((root / package).rglob("*.py")):
        relative = path.relative_to(root).with_suffix("")
        module = ".".join(relative.parts)
        if relative.name == "__init__":
            module += ".__init__"
        for line, name in imported_modules(path.read_text(encoding="utf-8"), module):
            top = name.split(".")[0]
            if top in OURS and top not in allowed:
                found.append(Violation(path.relative_to(root), line, name))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_the_layers_it_may(package: str) -> None:
    found = violations_in(REPO, package)
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("domain", "storage.uow"),
        ("storage", "bots.engine"),
        ("connectors", "hub.settings"),
        ("bots", "connectors.errors"),
        ("bots", "flows.outbox"),
        ("flows", "hub.settings"),
        ("flows", "bots.notifier"),
    ],
)
def test_a_forbidden_import_is_caught(tmp_path: Path, package: str, forbidden: str) -> None:
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / package / "sneaky.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        f"    import {forbidden}\n"
        "def later():\n"
        f"    from {forbidden} import anything\n"
    )
    found = violations_in(tmp_path, package)
    assert [(v.line, v.imported) for v in found] == [(3, forbidden), (5, forbidden)]


def test_relative_imports_are_resolved_before_they_are_judged(tmp_path: Path) -> None:
    (tmp_path / "bots" / "slack").mkdir(parents=True)
    (tmp_path / "bots" / "slack" / "app.py").write_text("from ..engine import Engine\n")
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "outbox.py").write_text("from . import _tasks\nimport domain.enums\n")
    assert violations_in(tmp_path, "bots") == []
    assert violations_in(tmp_path, "flows") == []
