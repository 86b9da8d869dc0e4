"""Every mart has its given-rows test: each sql/marts file is read by a tests/test_marts_*.py."""

from __future__ import annotations

from pipeline.config import PROJECT_ROOT


def test_every_mart_is_tested_on_given_rows():
    tests = "".join(
        path.read_text()
        for path in (PROJECT_ROOT / "tests").glob("test_marts_*.py")
        if path.name != "test_marts_tested.py"
    )
    untested = [
        path.stem
        for path in sorted((PROJECT_ROOT / "sql" / "marts").glob("*.sql"))
        if f'"{path.stem}"' not in tests
    ]
    assert untested == []
