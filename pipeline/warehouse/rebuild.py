"""Rebuilding the marts as the scheduled job does: under the writer lock, so no load interleaves."""

from __future__ import annotations

from pipeline.config import Settings
from pipeline.locking import writer_lock
from pipeline.warehouse.connection import connect
from pipeline.warehouse.models import build_marts, ensure_marts


def rebuild_marts(settings: Settings) -> list[str]:
    """Rebuild every ``marts.*`` table from ``sql/marts``; return the tables built."""
    with writer_lock(settings), connect(settings) as conn:
        return build_marts(conn, settings)


def refresh_marts(settings: Settings) -> bool:
    """Rebuild the marts if a submission arrived since they were built; return whether.

    Every writer that records submissions calls this after loading, so that the commands that
    only read find the marts current and never need to write them.
    """
    with writer_lock(settings), connect(settings) as conn:
        return ensure_marts(conn, settings)
