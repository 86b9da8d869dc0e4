"""Building the SQL layers from files: one statement per file, file name = relation name.

``sql/staging/stg_x.sql`` becomes the view ``staging.stg_x``; ``sql/marts/x.sql`` becomes the
table ``marts.x``. Views keep staging always current with the ledger; marts are tables because
they are what report writers read and export. A file may read others of its layer: each is
built after the ones it names.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import duckdb

from pipeline.config import Settings
from pipeline.metrics.catalogue import table_rows


def layer_files(settings: Settings, layer: str) -> list[Path]:
    return sorted((settings.sql_dir / layer).glob("*.sql"))


def _without_comments(path: Path) -> str:
    return re.sub(r"--[^\n]*", "", path.read_text())


def in_dependency_order(paths: list[Path], layer: str) -> list[Path]:
    """Files ordered so each comes after the files of its layer that it reads (``layer.name``)."""
    by_name = {path.stem: path for path in paths}
    reads = {
        path.stem: set(re.findall(rf"\b{layer}\.(\w+)", _without_comments(path))) - {path.stem}
        for path in paths
    }
    ordered: list[Path] = []
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in trail:
            raise ValueError(f"SQL files read each other in a circle: {' -> '.join(trail)}")
        for needed in sorted(reads[name] & set(by_name)):
            visit(needed, (*trail, name))
        done.add(name)
        ordered.append(by_name[name])

    for name in sorted(by_name):
        visit(name, ())
    return ordered


def build_staging(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    conn.execute("CREATE SCHEMA IF NOT EXISTS staging")
    paths = in_dependency_order(layer_files(settings, "staging"), "staging")
    for path in paths:
        conn.execute(f"CREATE OR REPLACE VIEW staging.{path.stem} AS {path.read_text()}")
    return [f"staging.{path.stem}" for path in paths]


def build_marts(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Rebuild every mart in one transaction, so readers never see half a rebuild."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
    paths = in_dependency_order(layer_files(settings, "marts"), "marts")
    conn.execute("BEGIN TRANSACTION")
    try:
        _write_tolerances(conn, settings)
        _write_figures(conn)
        for path in paths:
            conn.execute(f"CREATE OR REPLACE TABLE marts.{path.stem} AS {path.read_text()}")
        # What the marts were built after (the latest submission) and from (the code), so a
        # later submission or a new version of the SQL or the catalogue shows them out of date.
        conn.execute(
            "CREATE OR REPLACE TABLE meta.marts_built (built_after BIGINT NOT NULL, "
            "built_from VARCHAR NOT NULL)"
        )
        conn.execute(
            "INSERT INTO meta.marts_built SELECT coalesce(max(submission_id), 0), ? "
            "FROM ledger.submissions",
            [marts_code(settings)],
        )
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return [f"marts.{path.stem}" for path in paths]


def _write_tolerances(conn: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The reconciliation tolerances from the settings, as the table marts.reconciliation reads
    (a setting, so a change applies at the next rebuild without touching the SQL)."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS meta")
    conn.execute(
        "CREATE OR REPLACE TABLE meta.reconcile_tolerances "
        "(key VARCHAR PRIMARY KEY, tolerance_pct DOUBLE NOT NULL)"
    )
    conn.executemany(
        "INSERT INTO meta.reconcile_tolerances VALUES (?, ?)",
        sorted(settings.reconcile_tolerances.items()),
    )


def _write_figures(conn: duckdb.DuckDBPyConnection) -> None:
    """The figure catalogue as the table the headline marts read each figure's unit from
    (``meta.figures``), so a unit is written once, in the catalogue, and a figure the SQL writes
    without a catalogue entry stops the build (``marts.headline_values`` says which)."""
    rows = table_rows()
    columns = list(rows[0])
    conn.execute(
        "CREATE OR REPLACE TABLE meta.figures (id VARCHAR PRIMARY KEY, section VARCHAR NOT NULL, "
        "label VARCHAR NOT NULL, unit VARCHAR NOT NULL, kind VARCHAR NOT NULL, "
        "improvement VARCHAR NOT NULL, in_contract BOOLEAN NOT NULL, board BOOLEAN NOT NULL)"
    )
    conn.executemany(
        f"INSERT INTO meta.figures ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [[row[c] for c in columns] for row in rows],
    )


def marts_code(settings: Settings) -> str:
    """A fingerprint of what the marts are built from: every ``sql/marts`` file and the figure
    catalogue (``meta.figures``). Staging is views, rebuilt at every migration."""
    digest = hashlib.sha256()
    for path in layer_files(settings, "marts"):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps(table_rows(), sort_keys=True).encode())
    return digest.hexdigest()


def marts_are_current(conn: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Whether the marts were built after the latest submission was recorded, from the SQL and
    the catalogue of this version (a warehouse an older version built has them out of date)."""
    built = conn.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'meta' "
        "AND table_name = 'marts_built' AND column_name = 'built_from'"
    ).fetchall()[0][0]
    if not built:
        return False
    found = conn.execute("SELECT built_after, built_from FROM meta.marts_built").fetchall()
    latest = conn.execute(
        "SELECT coalesce(max(submission_id), 0) FROM ledger.submissions"
    ).fetchall()[0][0]
    return bool(found) and found[0][0] >= latest and found[0][1] == marts_code(settings)


def ensure_marts(conn: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Rebuild the marts if any submission arrived since they were built, or they were built
    from other SQL or another catalogue; return whether."""
    if marts_are_current(conn, settings):
        return False
    build_marts(conn, settings)
    return True
