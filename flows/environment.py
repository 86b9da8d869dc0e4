"""Setting a process up for Prefect: what the app calls before it imports a flow.

Importing a module of this project changes nothing (no environment variable set, no thread or
process started); this is where that work is done instead, called by the commands that run
flows (``cmast ingest``, ``cmast demo``), by ``cmast serve`` and by the tests' Prefect fixture.
Prefect is not imported here: Prefect reads its settings when first imported, so these must be
called before it is.
"""

from __future__ import annotations

import os

from flows.server import adopt_running_server, start_temporary_server_and_say_so
from pipeline.config import Settings, load_settings, prefect_environment
from pipeline.lifeline import SERVING_PID, start_guard


def prepare(settings: Settings | None = None) -> None:
    """Prefect's home and defaults (:func:`pipeline.config.prefect_environment`), and the
    server of a running ``cmast serve`` if there is one (:func:`adopt_running_server`). With no
    server to use, a temporary one may be started for this process: a guard is started too, so
    that it cannot outlive the process (:func:`pipeline.lifeline.start_guard`)."""
    prefect_environment(settings or load_settings())
    adopt_running_server()
    if not os.environ.get("PREFECT_API_URL") and not os.environ.get(SERVING_PID):
        start_guard()


def prepare_flow_command(settings: Settings | None = None) -> None:
    """:func:`prepare`, for a command that runs flows by hand (``cmast ingest``, ``cmast demo``):
    with no server to use, Prefect's temporary server is started now, timed and said so."""
    prepare(settings)
    if not os.environ.get("PREFECT_API_URL"):
        start_temporary_server_and_say_so()
