"""One writer in Prefect's terms: every task that writes to the warehouse carries this tag, and
``cmast serve`` sets a limit of one running task with it across all runs.

The limit lets the Prefect UI show a writer queued behind another (Concurrency, in the UI);
the lock that guarantees it, also for runs outside the server, is ``pipeline.locking``.
"""

from __future__ import annotations

WRITER_TAG = "warehouse-writer"


def ensure_writer_limit() -> None:
    """Create (or reset to one) the tag's concurrency limit on the server in use."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.create_concurrency_limit(tag=WRITER_TAG, concurrency_limit=1)
