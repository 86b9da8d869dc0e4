"""One headline figure, as report writers and other programs receive it."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Headline:
    """A figure for one month and scope. ``value`` is exact; published outputs suppress small
    numbers (see :mod:`pipeline.metrics.suppression`), this record never does."""

    id: str
    period: str
    scope: str
    value: float | int | None
    unit: str  # one of pipeline.metrics.catalogue.UNITS, from the figure's catalogue entry
    source: str  # trust_returns or nhse
    section: str
    text: str = ""
    comparators: dict[str, Any] = field(default_factory=dict)
    provenance: list[dict[str, Any]] = field(default_factory=list)
    coverage: dict[str, Any] | None = None
    numerator: int | None = None
    denominator: int | None = None
    patients: int | None = None  # the number of patients it rests on, for disclosure control
    values_are: str = "exact"  # internal outputs keep exact values and say so
    variation: str | None = None
    assurance: str | None = None
    #: What a figure names beside its value, e.g. the trust with the most 6+ week waiters, its
    #: share and its change since the reference month.
    detail: dict[str, Any] = field(default_factory=dict)
    #: Which basis a national figure is on where its publication gives more than one (RTT:
    #: ``provider`` or ``commissioner``); None otherwise.
    basis: str | None = None
    #: How the trusts' returns behind this figure compare with NHS England's publication of the
    #: same trusts and month (``marts.reconciliation``): ``status`` (agrees, within_tolerance,
    #: differs, or not_compared with a reason) and the trusts whose figures differ. None when
    #: no publication covers the figure's month.
    reconciliation: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # counts as counts: 13148, never 13148.0
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value
