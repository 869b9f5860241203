"""The architecture rule of DEVELOPERS.md: kipu.core never imports Django or kipu.web."""

from __future__ import annotations

import ast
from pathlib import Path

import kipu.core

CORE = Path(kipu.core.__file__).parent


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_core_is_pure_python() -> None:
    offenders = {
        str(path.relative_to(CORE)): sorted(
            m
            for m in imported_modules(path)
            if m.split(".")[0] == "django" or m.startswith("kipu.web")
        )
        for path in CORE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_layout_check_sees_the_core_modules() -> None:
    assert len(list(CORE.rglob("*.py"))) >= 10
