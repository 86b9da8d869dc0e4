"""Rebuilding the marts as the scheduled job does: under the writer lock, so no load interleaves."""

from __future__ import annotations

from pipeline.config import Settings
from pipeline.locking import writer_lock
from pipeline.warehouse.connection import connect
from pipeline.warehouse.models import build_marts, ensure_marts, marts_are_current


def rebuild_marts(settings: Settings) -> list[str]:
    """Rebuild every ``marts.*`` table from ``sql/marts``; return the tables built."""
    with writer_lock(settings), connect(settings) as conn:
        return build_marts(conn, settings)


def refresh_marts(settings: Settings) -> bool:
    """Rebuild the marts if a submission arrived since they were built, or they were built from
    other SQL or another figure catalogue; return whether.

    Every writer that records submissions calls this after loading, so that the commands that
    only read find the marts current and never need to write them.
    """
    with writer_lock(settings), connect(settings) as conn:
        return ensure_marts(conn, settings)


def marts_out_of_date(settings: Settings) -> bool:
    """Whether :func:`refresh_marts` has work to do (a submission recorded since the marts
    were built, marts built from other SQL, or a schema behind the code), found without
    writing anything: a briefing asks first and takes the writer's turn only when the answer is
    yes, which after any ingest run it is not (the run rebuilt them)."""
    from pipeline.warehouse.reading import schema_is_current

    with connect(settings, read_only=True) as conn:
        return not (schema_is_current(conn, settings) and marts_are_current(conn, settings))
