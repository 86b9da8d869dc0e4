"""The project agrees with itself: every schema column described, every SQL file built,
every setting documented, migrations applied once."""

from __future__ import annotations

import re

import pytest

from pipeline.config import PROJECT_ROOT, SETTINGS_HELP
from pipeline.returns import all_returns
from pipeline.warehouse import connect
from pipeline.warehouse.migrations import migration_files


@pytest.mark.parametrize("spec", all_returns(), ids=lambda s: f"{s.return_type}")
def test_every_return_column_is_described_with_a_kind(spec):
    schema = spec.model.to_schema()
    for name, column in schema.columns.items():
        assert column.description and len(column.description) > 10, (spec.return_type, name)
        assert (column.metadata or {}).get("kind"), (spec.return_type, name)
    assert "org_code" in schema.columns and "period" in schema.columns


def test_every_return_type_is_unique_and_columns_tell_them_apart():
    specs = all_returns()
    assert len({s.return_type for s in specs}) == len(specs)
    signatures = [frozenset(s.columns) for s in specs]
    assert len(set(signatures)) == len(signatures)


def test_every_sql_file_is_built_into_the_warehouse(settings):
    with connect(settings) as conn:
        views = {f"{s}.{n}" for s, n in conn.execute(
            "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        tables = {f"{s}.{n}" for s, n in conn.execute(
            "SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}
    for path in sorted((PROJECT_ROOT / "sql" / "staging").glob("*.sql")):
        assert f"staging.{path.stem}" in views
    for spec in all_returns():
        assert spec.raw_table in tables, spec.raw_table


def test_migrations_apply_once_and_in_order(settings):
    numbers = [n for n, _ in migration_files(PROJECT_ROOT / "sql")]
    assert numbers == sorted(numbers)
    with connect(settings) as conn:
        first = conn.execute("SELECT version FROM meta.schema_migrations ORDER BY 1").fetchall()
    with connect(settings) as conn:  # opening again applies nothing more
        second = conn.execute("SELECT version FROM meta.schema_migrations ORDER BY 1").fetchall()
    assert [v for (v,) in first] == numbers == [v for (v,) in second]


def test_every_setting_is_documented():
    pages = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
    docs = "\n".join(page.read_text() for page in pages)
    used = set(re.findall(r'"(CMAST_[A-Z_]+)"', (PROJECT_ROOT / "pipeline" / "config.py")
                          .read_text()))
    assert used == set(SETTINGS_HELP)
    for name in SETTINGS_HELP:
        assert name in docs, f"{name} is in neither the README nor docs/"
