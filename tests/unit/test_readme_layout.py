"""The README's "where is what" tables match the tree: every module of bot/, admin/, actions/,
nlu/ and lotse/ (and of each lotse sub-package) has a line, and every name there exists (issue 15).

A table is found by the line that introduces it; a name is a backticked `something.py` or
`folder/`. In the package tables the first column names the files; in the core's table the first
column names `lotse/...` paths, and a row of one sub-package names its modules in the second."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lotse.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
PACKAGE_TABLES = {
    "bot": "file by file (`bot/`)",
    "admin": "file by file (`admin/`)",
    "actions": "file by file (`actions/`)",
    "nlu": "file by file (`nlu/`)",
}
CORE_TABLE = "The core, `lotse/`, by capability"
NAME = re.compile(r"`([A-Za-z0-9_./]+)`")


def table_after(text: str, introduction: str) -> list[list[str]]:
    """The rows (cells) of the Markdown table that follows the introducing line."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if introduction in line), None)
    assert start is not None, f"README.md: no table introduced by {introduction!r}"
    rows: list[list[str]] = []
    for line in lines[start + 1 :]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if set(cells[0]) <= {"-", ":"}:  # the separator under the header
            continue
        rows.append(cells)
    return rows[1:]  # without the header


def modules(folder: Path) -> set[str]:
    """What a table must name: the folder's Python modules (not `__init__.py`) and its folders
    that hold something tracked (a sub-package, templates, configs), as `name/`."""
    found = {p.name for p in folder.glob("*.py") if p.name != "__init__.py"}
    found |= {
        f"{p.name}/"
        for p in folder.iterdir()
        if p.is_dir() and p.name != "__pycache__" and any(p.rglob("*.*"))
    }
    return found


def named(cell: str) -> set[str]:
    return {n for n in NAME.findall(cell) if n.endswith((".py", "/")) and "<" not in n}


@pytest.mark.parametrize("package", sorted(PACKAGE_TABLES))
def test_a_package_table_names_every_module_and_nothing_else(package: str) -> None:
    rows = table_after(README.read_text(encoding="utf-8"), PACKAGE_TABLES[package])
    listed = set().union(*(named(row[0]) for row in rows))
    actual = modules(PROJECT_ROOT / package)
    assert not actual - listed, f"README's {package}/ table lacks {sorted(actual - listed)}"
    assert not listed - actual, f"README's {package}/ table names {sorted(listed - actual)}"


def test_the_core_table_names_every_module_and_sub_package_and_nothing_else() -> None:
    rows = table_after(README.read_text(encoding="utf-8"), CORE_TABLE)
    core = PROJECT_ROOT / "lotse"
    top = {n.removeprefix("lotse/") for row in rows for n in named(row[0])}
    actual = modules(core)
    assert not actual - top, f"README's lotse/ table lacks {sorted(actual - top)}"
    assert not top - actual, f"README's lotse/ table names {sorted(top - actual)}"
    for package in sorted(n for n in actual if n.endswith("/")):
        inside = set().union(
            *(named(row[1]) for row in rows if named(row[0]) == {f"lotse/{package}"})
        )
        present = modules(core / package)
        assert not present - inside, f"README: lotse/{package} lacks {sorted(present - inside)}"
        assert not inside - present, f"README: lotse/{package} names {sorted(inside - present)}"


def test_a_missing_module_is_named() -> None:
    """The check itself: a table without a module says which one is missing."""
    text = "file by file (`x/`):\n\n| file | what |\n|---|---|\n| `a.py` | A |\n\nafter\n"
    rows = table_after(text, "file by file (`x/`)")
    assert set().union(*(named(r[0]) for r in rows)) == {"a.py"}
    assert named("`b.py`, `c/`, `domain/responses/<lang>.yml`, `tg:`") == {"b.py", "c/"}
