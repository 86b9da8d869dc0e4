"""What section modules share: registering how they complete their records, and the phrases
their sentences write signed figures in.

The long table of values (``marts.headline_values``) holds one number per figure, month and
scope. Some figures need more beside them: a comparator from another month (the reference
month of the diagnostic waits), or the trusts they name (the trust with the most 6+ week
waiters). A section registers a completer for such ids; :func:`complete` runs them on the
month's records before the sentences are written, with everything the headlines read.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline.metrics import words
from pipeline.metrics.inputs import SYSTEM, provenance
from pipeline.metrics.record import Headline
from pipeline.metrics.sentences import formatted

if TYPE_CHECKING:
    from pipeline.metrics.inputs import Inputs

Lookup = dict[tuple[str, str], Headline]
Completer = Callable[[Headline, "Inputs", Lookup], None]
COMPLETERS: dict[str, list[Completer]] = {}


def completes(*ids: str):
    """Decorator: run the function on every record of these ids before sentences are written."""

    def add(function: Completer) -> Completer:
        for id_ in ids:
            COMPLETERS.setdefault(id_, []).append(function)
        return function

    return add


def complete(records: list[Headline], inputs: Inputs) -> None:
    found = {(r.id, r.scope): r for r in records}
    for record in records:
        for completer in COMPLETERS.get(record.id, []):
            completer(record, inputs, found)


# Months and financial years ------------------------------------------------------------------


def financial_year_start(period: str) -> int:
    """The calendar year a month's financial year starts in: 2024-03 -> 2023."""
    return int(period[:4]) - (1 if int(period[5:7]) < 4 else 0)


def financial_year(period: str) -> str:
    """As the plans file names it: 2023-10 -> 2023-24."""
    start = financial_year_start(period)
    return f"{start}-{(start + 1) % 100:02d}"


def year_to_date(period: str) -> list[str]:
    """The months of the financial year from April up to and including ``period``."""
    first = pd.Period(f"{financial_year_start(period)}-04", freq="M")
    return [str(first + i) for i in range((pd.Period(period, freq="M") - first).n + 1)]


def drop_previous_across_years(record: Headline) -> None:
    """A year-to-date figure for April restarts: March's belongs to another year, so it is no
    comparator."""
    if record.period[5:7] == "04":
        record.comparators.pop("previous_period", None)


# Looking things up -----------------------------------------------------------------------------


def value_of(inputs: Inputs, id_: str, scope: str, period: str) -> float | int | None:
    values = inputs.values
    rows = values[(values["id"] == id_) & (values["scope"] == scope) & (values["period"] == period)]
    return None if rows.empty or pd.isna(rows["value"].iloc[0]) else _number(rows["value"].iloc[0])


def trust_rows(inputs: Inputs, id_: str, period: str) -> pd.DataFrame:
    """The figure's rows for each trust (not the system) in the month, by org code."""
    values = inputs.values
    return values[
        (values["id"] == id_) & (values["period"] == period) & (values["scope"] != SYSTEM)
    ].sort_values("scope")


def provenance_over(
    inputs: Inputs, record: Headline, return_type: str, periods: list[str], scope: str | None = None
) -> list[dict[str, Any]]:
    """The submissions of one return type that a figure made of several months rests on, as
    headline provenance lists them: ``scope``'s (default the record's; every organisation's
    for the system) for each of ``periods``."""
    found: list[dict[str, Any]] = []
    for period in periods:
        row = SimpleNamespace(
            return_type=return_type,
            period=period,
            as_of=None,
            source=record.source,
            scope=scope or record.scope,
        )
        found += provenance(inputs, row)
    return found


def _number(value) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() else value


# Signed figures in words ------------------------------------------------------------------------


def against(value: float, unsigned: str, above: str = "above", below: str = "below") -> str:
    """ "3.2% above" or "2.0% below": the sign in words, the figure without it."""
    return f"{unsigned} {below if value < 0 else above}"


def position(value: float | int | None) -> str:
    """A surplus or deficit in £ thousands as briefings say it: "deficit of £12.3m"."""
    if value is None:  # the finance marts sum the returns received: never missing
        raise ValueError("a surplus or deficit without a value has no sentence")
    amount = words.money_thousands(abs(value))
    return f"deficit of {amount}" if value < 0 else f"surplus of {amount}"


def quoted_forms(record: Headline) -> list[str]:
    """The ways a sentence may quote the record's own figure: as formatted ("-£12.3m",
    "-2.0%"), or, when negative, unsigned with its sign in words ("deficit of £12.3m",
    "2.0% below"), which is how briefings write it."""
    shown = formatted(record)
    if record.value is None or pd.isna(record.value) or record.value >= 0:
        return [shown]
    unsigned = formatted(Headline(**{**record.__dict__, "value": abs(record.value)}))
    forms = [shown, against(record.value, unsigned)]
    if record.unit == "gbp_thousands":
        forms.append(position(record.value))
    return forms


def who(record: Headline, names: dict[str, str], system: str = "CMAST trusts") -> str:
    """Who a sentence is about: the trusts together for the system, else the trust's name."""
    return system if record.scope == SYSTEM else names.get(record.scope, record.scope)


def named(codes: list[str], names: dict[str, str]) -> str:
    """ "LUHFT (REM), WUTH (RBL) and COCH (RJR)"."""
    parts = [f"{names.get(code, code)} ({code})" for code in codes]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
