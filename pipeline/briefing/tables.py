"""Each section's table by trust for the appendix: the catalogue's table figures, one column
each, with the unit in every header and one display rule per unit, small numbers suppressed so
that no ``*`` can be worked back out from the totals or the other cells of its row or column.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import pandas as pd

from pipeline.metrics.catalogue import FIGURES, PARTS, figure
from pipeline.metrics.formats import cell, header, table_number
from pipeline.metrics.suppression import SUPPRESSED, is_small, suppress_table

SYSTEM = "QYG"
#: Sections whose percentages are shares of patients (not of minutes or pounds).
PATIENT_SECTIONS = {"elective", "diagnostics", "uec"}


@dataclass
class TrustTable:
    ids: list[str]
    units: list[str]
    headers: list[str]
    rows: list[str]  # "COCH (RJR)" ..., the system last
    published: pd.DataFrame  # exact values, ``*`` where suppressed; index = org codes

    def text(self) -> pd.DataFrame:
        """Display strings, one rule per unit (for HTML and Markdown)."""
        frame = pd.DataFrame(
            {
                h: [cell(v, u) for v in self.published[i]]
                for i, u, h in zip(self.ids, self.units, self.headers, strict=True)
            },
            index=self.rows,
        )
        frame.index.name = "Trust"
        return frame

    def numbers(self) -> list[list[object]]:
        """Cell values for a workbook: numbers (money in £m), ``*`` where suppressed."""
        return [
            [
                table_number(self.published.at[code, i], u)
                for i, u in zip(self.ids, self.units, strict=True)
            ]
            for code in self.published.index
        ]


def trust_table(inputs, period: str, section: str) -> TrustTable | None:
    values = inputs.values
    rows = values[(values["period"] == period) & (values["source"] == "trust_returns")]
    rows = rows[rows["id"].map(lambda i: figure(i).section == section and figure(i).trust_table)]
    if rows.empty:
        return None
    exact = rows.pivot_table(index="scope", columns="id", values="value", aggfunc="first")
    # A column only the system has (the system's finance position) belongs on its panel.
    exact = exact[
        [c for c in exact.columns if exact[c].drop(SYSTEM, errors="ignore").notna().any()]
    ]
    if exact.empty:
        return None
    order = [i for i in FIGURES if i in exact.columns]
    trusts = sorted(i for i in exact.index if i != SYSTEM)
    exact = exact.loc[trusts + ([SYSTEM] if SYSTEM in exact.index else []), order]
    units = rows.drop_duplicates("id").set_index("id")["unit"]
    unit_list = [str(units[i]) for i in order]
    small = _rests_on_few(rows, exact)
    additive = {i for i in order if figure(i).adds_up and figure(i).patient_count}
    wholes: dict[Hashable, Sequence[Hashable]] = {
        whole: list(parts)
        for whole, parts in PARTS
        if whole in exact.columns and all(p in exact.columns for p in parts)
    }
    published = suppress_table(
        exact,
        additive_columns=additive,
        total_row=SYSTEM if SYSTEM in exact.index else None,
        row_wholes=wholes,
        also_suppress=small,
    )
    labels = [f"{inputs.names.get(code, code)} ({code})" for code in exact.index]
    return TrustTable(
        order,
        unit_list,
        [header(figure(i).label, u) for i, u in zip(order, unit_list, strict=True)],
        labels,
        published,
    )


def _rests_on_few(rows: pd.DataFrame, exact: pd.DataFrame) -> pd.DataFrame:
    """Cells that rest on 1 to 7 patients though their value is no count: a percentage of a
    handful of patients discloses as much as the count."""
    mask = pd.DataFrame(False, index=exact.index, columns=exact.columns)
    for row in rows.itertuples(index=False):
        if (
            row.id in exact.columns
            and row.scope in exact.index
            and row.unit == "percent"
            and figure(row.id).section in PATIENT_SECTIONS
            and (is_small(row.numerator) or is_small(row.denominator))
        ):
            mask.at[row.scope, row.id] = True
    return mask


__all__ = ["SUPPRESSED", "TrustTable", "trust_table"]
