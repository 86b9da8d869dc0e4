"""The settings a command runs with: the data root given to ``cmast --data-dir`` (else
``$CMAST_DATA_DIR``), kept here for the commands, which import this module and never the app."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Settings, load_settings
from pipeline.config import settings_in_force as _in_force
from pipeline.settings_registry import InForce
from schemas.reference import use_reference_dir

_data_dir: list[Path | None] = [None]


def use_data_dir(data_dir: Path | None) -> None:
    _data_dir[0] = data_dir


def settings() -> Settings:
    current = load_settings(_data_dir[0])
    use_reference_dir(current.reference_dir)  # the schemas check codes against these tables
    return current


def settings_in_force() -> list[InForce]:
    """Each setting's value for this command and where it came from."""
    return _in_force(_data_dir[0])
