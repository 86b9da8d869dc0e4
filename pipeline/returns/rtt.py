"""The waiting-list (RTT incomplete pathways) return, weekly, in its two forms, template version 1.

A trust sends either form for a snapshot; both land in ``staging.stg_rtt_pathways``. If a trust
sends both for the same snapshot, the later submission counts (see that view).
"""

from __future__ import annotations

import pandas as pd

from pipeline.returns.base import ReturnSpec
from schemas.rtt import AGGREGATE_RULES, MAX_WEEKS, PTL_RULES, RttAggregate, RttPtl

#: The PTL's counts: what is kept of a PTL once it is checked (the pathway ids are not).
PTL_KEY = [
    "org_code",
    "period",
    "clock_start_date",
    "treatment_function_code",
    "pathway_type",
    "priority",
]


def aggregate_to_raw(rows: pd.DataFrame) -> pd.DataFrame:
    """Pathway types stored in lower case, whatever case the trust used."""
    return rows.assign(pathway_type=rows["pathway_type"].str.lower())


def ptl_to_raw(rows: pd.DataFrame) -> pd.DataFrame:
    """A checked PTL reduced to pathways per clock start date, TFC, type and priority.

    The same reduction as the bulk path's GROUP BY (``pipeline.warehouse.ptl``), for PTLs sent
    as workbooks; ``pathway_id`` is dropped here, so no row-level data reaches the warehouse.
    """
    keyed = rows[PTL_KEY].assign(pathway_type=rows["pathway_type"].str.lower())
    counts = keyed.groupby(PTL_KEY, dropna=False, sort=True).size()
    return counts.rename("pathways").reset_index().astype({"pathways": "int64"})


def _bulk_check(path, spec, context):
    from pipeline.validation.ptl import check_ptl_csv  # imports DuckDB: only when needed

    return check_ptl_csv(path, spec, context)


_COMMON_NOTES = (
    "The snapshot is taken at the end of the Sunday that ends the week: put that date, "
    "YYYY-MM-DD, in the period column of every row (e.g. 2023-10-29). Send one file a week.",
    "Count incomplete RTT pathways only (patients still waiting at the snapshot). "
    "pathway_type: admitted (a decision to admit has been made) or non_admitted.",
    "Treatment function codes are the national RTT list: 100, 101, 110, 120, 130, 140, 150, 160, "
    "170, 300, 301, 320, 330, 340, 400, 410, 430, 502, and X02 to X06 for other services. "
    "No totals (999).",
)

SPECS = [
    ReturnSpec(
        return_type="rtt_aggregate",
        title="Waiting list (aggregate)",
        template_version="1",
        model=RttAggregate,
        rules=AGGREGATE_RULES,
        raw_table="raw.rtt_aggregate",
        frequency="weekly",
        to_raw=aggregate_to_raw,
        notes=(
            *_COMMON_NOTES,
            "One row per treatment function, pathway type and whole weeks waited (weeks from "
            f"clock start to the snapshot; 0 to 6 days is week 0). Put {MAX_WEEKS} weeks or more "
            f"in {MAX_WEEKS}. Rows you leave out count as 0.",
        ),
    ),
    ReturnSpec(
        return_type="rtt_ptl",
        title="Waiting list (patient level)",
        template_version="1",
        model=RttPtl,
        rules=PTL_RULES,
        raw_table="raw.rtt_ptl_clock_starts",
        frequency="weekly",
        to_raw=ptl_to_raw,
        bulk_check_and_reduce=_bulk_check,
        notes=(
            *_COMMON_NOTES,
            "One row per pathway on the PTL: a pseudonymised pathway id (never an NHS number or "
            "hospital number), its clock start date, TFC, type and priority (P1 to P4, or blank).",
            "On loading, the PTL is counted by clock start date; the rows and their ids are not "
            "kept. Large PTLs (up to millions of rows) should be sent as CSV.",
        ),
    ),
]
