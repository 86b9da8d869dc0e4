"""Prefect flows: thin wiring around the library in ``pipeline``; the only place Prefect is used.

Prefect reads its settings when first imported, so its environment is set here first,
including the address of the server `cmast serve` runs, if it is running. A flow run that
`cmast serve`'s serving process started asks here to end with it.
"""

import os

from pipeline.config import load_settings, prefect_environment

prefect_environment(load_settings())

from flows.server import (  # noqa: E402  (after the environment is set)
    adopt_running_server,
    is_flow_command,
    start_temporary_server_and_say_so,
)
from pipeline.lifeline import SERVING_PID, end_with_server, start_guard  # noqa: E402

adopt_running_server()
end_with_server()  # a run of `cmast serve` ends with its serving process
if not os.environ.get("PREFECT_API_URL") and not os.environ.get(SERVING_PID):
    start_guard()  # a temporary server may be started: it must not outlive this process
    if is_flow_command():
        start_temporary_server_and_say_so()
