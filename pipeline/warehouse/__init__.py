"""The warehouse: the only package that talks to DuckDB.

Layers (schemas in the DuckDB file):
- ``ledger``: one row per file received, whatever became of it.
- ``raw``: rows exactly as validated, each tagged with the submission it came from; never updated.
- ``ref``: reference data loaded from the committed CSVs.
- ``staging``: views over ``raw`` keeping only current submissions (``sql/staging``).
- ``marts``: tables of figures built from staging (``sql/marts``).
"""

from pipeline.warehouse.connection import connect, held_open
from pipeline.warehouse.migrations import migrate

__all__ = ["connect", "held_open", "migrate"]
