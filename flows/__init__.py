"""Prefect flows: thin wiring around the library in ``pipeline``; the only place Prefect is used.

Prefect reads its settings when first imported, so its environment is set here first,
including the address of the server `cmast serve` runs, if it is running.
"""

from pipeline.config import load_settings, prefect_environment

prefect_environment(load_settings())

from flows.server import adopt_running_server  # noqa: E402  (after the environment is set)

adopt_running_server()
