"""The project agrees with itself: every schema column described, every SQL file built,
every setting documented, migrations applied once."""

from __future__ import annotations

import dataclasses
import re

import pytest

from pipeline.config import PROJECT_ROOT, Settings
from pipeline.returns import all_returns
from pipeline.settings_registry import SETTINGS, Roots
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
        views = {
            f"{s}.{n}"
            for s, n in conn.execute(
                "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        }
        tables = {
            f"{s}.{n}"
            for s, n in conn.execute(
                "SELECT schema_name, table_name FROM duckdb_tables()"
            ).fetchall()
        }
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
    """docs/configuration.md's generated table has a row for each registry entry, and the
    registry module names no variable that is not one of its entries."""
    page = (PROJECT_ROOT / "docs" / "configuration.md").read_text()
    region = page.split("<!-- generated: settings -->", 1)[1].split("<!-- end generated -->")[0]
    rows = re.findall(r"^\| `(CMAST_[A-Z_]+)` \|", region, flags=re.MULTILINE)
    declared = [s.env for s in SETTINGS]
    assert rows == declared and len(set(declared)) == len(declared) == 20
    named = set(
        re.findall(
            r'"(CMAST_[A-Z_]+)"', (PROJECT_ROOT / "pipeline" / "settings_registry.py").read_text()
        )
    )
    assert named == set(declared)


def test_the_registry_fills_every_field_of_settings_with_its_default():
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    assert sorted(s.field for s in SETTINGS) == sorted(set(fields) - {"sql_dir"})
    roots = Roots(PROJECT_ROOT, PROJECT_ROOT / "data")
    for setting in SETTINGS:
        field = fields[setting.field]
        if field.default_factory is not dataclasses.MISSING:
            written = field.default_factory()
        elif field.default is not dataclasses.MISSING:
            written = field.default
        else:
            continue  # a path: always given, from the registry, by load_settings
        # A Settings made by hand runs in one process; load_settings gives the machine's cores.
        if setting.field != "workers":
            assert setting.default_value(roots) == written, setting.env
