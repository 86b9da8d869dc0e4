"""Prefect flows: thin wiring around the library in ``pipeline``; the only place Prefect is used.

Prefect reads its settings when first imported, so its environment is set here first.
"""

from pipeline.config import load_settings, prefect_environment

prefect_environment(load_settings())
