"""Prefect flows: thin wiring around the library in ``pipeline``; the only place Prefect is used.

Importing them sets nothing up: a process that runs flows calls
:func:`flows.environment.prepare` first, before Prefect is imported.
"""
