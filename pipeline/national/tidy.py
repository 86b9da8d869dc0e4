"""Bring a parsed frame to its schema: columns in the model's order, validated, index reset."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pandera.pandas as pa


def conform(
    frame: pd.DataFrame, model: type[pa.DataFrameModel], order: Sequence[str] | None = None
) -> pd.DataFrame:
    """The frame with exactly the model's columns (in ``order`` if given), validated.

    Raises pandera's ``SchemaErrors`` listing every failure, so a malformed publication is
    reported in full rather than one problem at a time.
    """
    columns = list(order) if order is not None else list(model.to_schema().columns)
    frame = frame.loc[:, columns].reset_index(drop=True)
    return model.validate(frame, lazy=True)
