"""An empty warehouse of the real schema, given raw rows, with its marts built: the tier of tests
that checks each SQL model on rows given by hand, without going through file ingestion.

The ledger rows say which submissions are current (status 'loaded') and which were replaced
('superseded'), as ingestion would have recorded them; staging keeps only the loaded ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import duckdb

from pipeline.config import Settings
from pipeline.warehouse import connect
from pipeline.warehouse.models import build_marts


def _insert(conn: duckdb.DuckDBPyConnection, table: str, rows: list[Mapping[str, Any]]) -> None:
    columns = list(rows[0])
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [[row[column] for column in columns] for row in rows],
    )


def build(
    settings: Settings,
    ledger: Iterable[Mapping[str, Any]],
    raw: Mapping[str, list[Mapping[str, Any]]],
) -> None:
    """Create the warehouse of ``settings`` (migrated, reference data loaded), record the ledger
    rows, insert each ``raw.<table>``'s rows and build every mart."""
    with connect(settings, create=True) as conn:
        _insert(conn, "ledger.submissions", list(ledger))
        for table, rows in raw.items():
            if rows:
                _insert(conn, f"raw.{table}", rows)
        build_marts(conn, settings)


def mart(
    settings: Settings, name: str, where: str = "TRUE", columns: str = "*", order_by: str = "ALL"
) -> list[dict[str, Any]]:
    """Rows of ``marts.<name>`` (those matching ``where``), as dicts in a fixed order."""
    with connect(settings) as conn:
        cursor = conn.execute(
            f"SELECT {columns} FROM marts.{name} WHERE {where} ORDER BY {order_by}"
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
