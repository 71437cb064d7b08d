"""The layers, read from the source itself (AST over lcapp/): what each package may import and who writes.

- `models/` (the core), `intake/` (files from outside) and `export/` (files out) never import
  PySide6 or shiboken6.
- The core imports none of intake, export, ui or the command line; intake and export import
  the core only (neither imports the other, nor ui or the command line).
- Only the core calls `Store.write()` (a call of `.write()` with no argument: a file's
  `write(data)` always has one), and no module outside the core holds SQL that changes the
  database (INSERT, UPDATE, DELETE, REPLACE and schema statements).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "lcapp"
QT = ("PySide6", "shiboken6")
TOP_MODULES = ("cli", "cli_words", "catalogue_cli", "dhis2_cli", "handover_cli", "selftest", "app_log")
# What each package must not import (besides Qt for all three).
FORBIDDEN = {
    "models": ("export", "intake", "ui", *TOP_MODULES),
    "intake": ("export", "ui", *TOP_MODULES),
    "export": ("intake", "ui", *TOP_MODULES),
}
# SQL is written in capitals here, which tells it from prose ("Drop section rows...").
WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\s|\bINSERT\s+(OR\s+[A-Z]+\s+)?INTO\b"
                       r"|\bDELETE\s+FROM\b|\bUPDATE\s+\w+\s+SET\b")


def modules(package: str | None = None) -> list[Path]:
    base = ROOT / package if package else ROOT
    return sorted(base.rglob("*.py"))


def name_of(path: Path) -> str:
    return ".".join(("lcapp",) + path.relative_to(ROOT).with_suffix("").parts)


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name_of(path).split(".")[:-1]  # lcapp.models.x and lcapp.models.__init__: lcapp.models
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from .. import cli` names a module in the names
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def test_the_walk_sees_the_packages_and_their_imports():
    for package in ("models", "intake", "export", "ui"):
        assert len(modules(package)) > 3, package
    assert any(path.name == "cli.py" for path in modules())
    seen = {module for _line, module in imported(ROOT / "intake" / "incoming.py")}
    assert {"lcapp.models.merge", "lcapp.intake.interchange"} <= seen  # relative imports resolved


@pytest.mark.parametrize("package", ["models", "intake", "export"])
def test_no_qt_below_the_window(package):
    bad = [f"{name_of(path)}:{line} imports {module}" for path in modules(package)
           for line, module in imported(path) if module.split(".")[0] in QT]
    assert bad == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_down_only(package):
    forbidden = tuple(f"lcapp.{name}" for name in FORBIDDEN[package])
    bad = [f"{name_of(path)}:{line} imports {module}" for path in modules(package)
           for line, module in imported(path)
           if any(module == f or module.startswith(f + ".") for f in forbidden)]
    assert bad == []


def store_write_calls(path: Path) -> list[int]:
    """Lines calling `<something>.write()` with no argument: `Store.write()`'s transaction."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "write"
            and not node.args and not node.keywords]


def test_only_the_core_opens_write_transactions():
    outside = [path for path in modules() if path.relative_to(ROOT).parts[0] != "models"]
    bad = [f"{name_of(path)}:{line}" for path in outside for line in store_write_calls(path)]
    assert bad == []
    assert store_write_calls(ROOT / "models" / "settings.py")  # the check finds what it looks for


def write_sql(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{name_of(path)}:{node.lineno}: {node.value.strip()[:60]}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and WRITE_SQL.search(node.value)]


def test_no_module_outside_the_core_changes_the_database_in_sql():
    outside = [path for path in modules() if path.relative_to(ROOT).parts[0] != "models"]
    assert [hit for path in outside for hit in write_sql(path)] == []
    assert write_sql(ROOT / "models" / "locks.py")  # the check finds what it looks for


def test_export_neither_writes_nor_reads_from_outside():
    """export/ writes files only: no transaction, no write SQL, no reader of outside files."""
    for path in modules("export"):
        assert store_write_calls(path) == [], name_of(path)
        assert write_sql(path) == [], name_of(path)
        assert not [m for _line, m in imported(path) if m.startswith("lcapp.intake")], name_of(path)


def sql_calls(path: Path) -> list[str]:
    """Calls of `.query()`, `.execute()`, `.executemany()` or `.executescript()`: SQL run here."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{name_of(path)}:{node.lineno}: .{node.func.attr}()" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("query", "execute", "executemany", "executescript")]


def test_the_window_and_the_command_line_read_and_write_through_the_core():
    """No SQL in ui/ or the command-line modules: what they show and change is a core function's."""
    shells = modules("ui") + [ROOT / f"{name}.py" for name in TOP_MODULES if (ROOT / f"{name}.py").exists()]
    assert [hit for path in shells for hit in sql_calls(path)] == []
    assert sql_calls(ROOT / "models" / "locks.py")  # the check finds what it looks for
