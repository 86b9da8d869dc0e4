"""A data quality mark per figure, from what the pipeline itself knows (the idea of the NHS
"data quality kite mark"): validated on receipt, complete (every expected trust), timely
(received by the deadline) and, where NHS England publishes the same measure, reconciled with
it.

Each mark is ``True`` (met), ``False`` (not met, with the reason) or ``None`` (does not apply).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from pipeline.alerts import deadline
from pipeline.config import Settings
from pipeline.metrics.record import Headline


@dataclass
class Quality:
    validated: bool | None
    complete: bool | None
    timely: bool | None
    reconciled: bool | None
    notes: dict[str, str] = field(default_factory=dict)

    def marks(self) -> list[tuple[str, bool | None, str]]:
        """(name, state, note) for each of the four marks, in the kite mark's order."""
        return [
            (name, getattr(self, name), self.notes.get(name, ""))
            for name in ("validated", "complete", "timely", "reconciled")
        ]

    def summary(self) -> str:
        """ "validated ✓ · complete ✗ (11 of 12) · timely ✓ · reconciled –"."""
        symbol = {True: "✓", False: "✗", None: "–"}
        return " · ".join(
            f"{name} {symbol[state]}" + (f" ({note})" if note and state is False else "")
            for name, state, note in self.marks()
        )


def quality_of(record: Headline, inputs, settings: Settings) -> Quality:
    notes: dict[str, str] = {}
    # Only validated files are ever loaded, so a figure with submissions behind it, all still
    # current, rests on validated data; one with none has nothing to vouch for it.
    current = set(inputs.submissions["submission_id"])
    ids = [p["submission_id"] for p in record.provenance]
    validated = bool(ids) and all(i in current for i in ids)
    if not validated:
        notes["validated"] = "no current submission behind it"
    complete = None
    if record.coverage:
        complete = not record.coverage["missing"]
        if not complete:
            notes["complete"] = (
                f"{record.coverage['trusts_submitted']} of "
                f"{record.coverage['trusts_expected']}: "
                + ", ".join(record.coverage["missing"])
                + " missing"
            )
    timely = None
    if record.source == "trust_returns" and record.provenance:
        late = sorted(
            {p["org"] for p in record.provenance if _received(p) > _due(p["period"], settings)}
        )
        timely = not late
        if late:
            notes["timely"] = "after the deadline: " + ", ".join(late)
    reconciled = _reconciled(record, notes)
    return Quality(validated, complete, timely, reconciled, notes)


def _received(entry: dict) -> dt.datetime:
    return pd.Timestamp(entry["received_at"]).to_pydatetime()


def _due(period: str, settings: Settings) -> dt.datetime:
    """The end of the deadline day of the month the return (or snapshot) belongs to."""
    day = deadline(str(period)[:7], settings.submission_deadline_day)
    return dt.datetime.combine(day, dt.time(23, 59, 59))


def _reconciled(record: Headline, notes: dict[str, str]) -> bool | None:
    """From the record's reconciliation with NHS England's publication, where it has one."""
    found = record.reconciliation  # pipeline.national.reconcile.outcome
    if not found or found["status"] == "not_compared":
        return None
    if found["status"] == "differs":
        notes["reconciled"] = "differs from NHS England's figure: " + ", ".join(
            found["differing_trusts"]
        )
        return False
    return True  # agrees, or within tolerance
