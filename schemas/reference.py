"""The reference tables the schemas check codes against (DM01 tests, treatment functions).

The folder they are read from is given to the schemas (``use_reference_dir``) by whoever holds
the settings, rather than read from the environment here: a schema knows nothing of the
pipeline's configuration. Until told otherwise it is the reference data committed with the
code, ``data/reference/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

COMMITTED = Path(__file__).resolve().parents[1] / "data" / "reference"
_folder = COMMITTED


def use_reference_dir(folder: Path) -> None:
    """Read reference tables from ``folder`` from now on (the settings' reference folder)."""
    global _folder
    _folder = Path(folder)


def reference_table(
    name: str, int_columns: tuple[str, ...] = (), folder: Path | None = None
) -> pd.DataFrame:
    """A reference CSV, text throughout but for ``int_columns``; read once per folder."""
    return _read(Path(folder or _folder) / name, int_columns)


@cache
def _read(path: Path, int_columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.astype(dict.fromkeys(int_columns, "int64"))
