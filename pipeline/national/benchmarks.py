"""ICB, region and England benchmarks from the national publications' provider rows.

Pure functions: each takes a parser's provider table, a provider -> ICB lookup
(``pipeline.reference.load.provider_icb_lookup()``: NHS England's System Mapping first, then
the ODS trust list), and the ICB and region tables, and returns a :class:`Benchmark`: one row
per ICB (all 42, ranked), region and England for each month, plus the providers the lookup
could not place. Those are counted in England (which is every provider row, as in NHS
England's own total) but in no ICB or region, and are returned rather than dropped silently.

ICB figures here are provider-based footprints (a provider's whole activity counts in the ICB
it sits in). That is how NHS England builds the A&E System Level Data; its DM01 and RTT ICB
tables are by commissioner, so figures here differ from those.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from pipeline.national.ae import all_types
from pipeline.national.tidy import conform
from schemas.national import (
    DiagnosticsBenchmark,
    FourHourBenchmark,
    RttBenchmark,
    UnmappedProvider,
)


@dataclass(frozen=True)
class Benchmark:
    """Figures per ICB, region and England (``table``) and the providers left unmapped."""

    table: pd.DataFrame
    unmapped: pd.DataFrame


def rank_icbs(values: pd.Series) -> pd.Series:
    """Rank 1 = highest value; equal values share the best rank; missing values get no rank."""
    return values.rank(ascending=False, method="min").astype("Int64")


def _pct(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    denominator = denominator.astype("float64")
    return (100 * numerator.astype("float64") / denominator.where(denominator > 0)).astype(float)


def map_providers(
    frame: pd.DataFrame, lookup: pd.DataFrame, code: str, fallback: pd.Series | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows with the lookup's ``icb_code`` added, rows whose code the lookup does not know).

    ``fallback``, if given, is a per-row ICB code used where the lookup has none (values
    outside the lookup's ICBs are ignored).
    """
    icb = lookup.drop_duplicates("org_code").set_index("org_code")["icb_code"]
    icb_codes = frame[code].map(icb)
    if fallback is not None:
        usable = fallback.where(fallback.isin(set(lookup["icb_code"])))
        icb_codes = icb_codes.fillna(usable)
    with_icb = frame.assign(icb_code=icb_codes)
    known = with_icb["icb_code"].notna()
    return with_icb[known], with_icb[~known].drop(columns="icb_code")


def _scopes(
    frame: pd.DataFrame,
    lookup: pd.DataFrame,
    icbs: pd.DataFrame,
    regions: pd.DataFrame,
    code: str,
    sums: list[str],
    fallback: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sum ``sums`` per month for every ICB (all 42, zero where none mapped), region, England.

    Returns (scope rows without measures, unmapped rows of ``frame``).
    """
    mapped, unmapped = map_providers(frame, lookup, code, frame[fallback] if fallback else None)
    outside = ~mapped["icb_code"].isin(icbs["icb_code"])  # an ICB code not among the 42
    unmapped = pd.concat([unmapped, mapped[outside].drop(columns="icb_code")])
    mapped = mapped[~outside]
    periods = sorted(frame["period"].unique())
    grid = pd.MultiIndex.from_product([periods, icbs["icb_code"]], names=["period", "icb_code"])
    by_icb = (
        mapped.groupby(["period", "icb_code"])[sums].sum().reindex(grid, fill_value=0).reset_index()
    )
    by_icb["region_code"] = by_icb["icb_code"].map(icbs.set_index("icb_code")["region_code"])
    by_region = by_icb.groupby(["period", "region_code"], as_index=False)[sums].sum()
    england = frame.groupby("period", as_index=False)[sums].sum()

    icb_names = icbs.set_index("icb_code")["icb_name"]
    region_names = regions.set_index("region_code")["region_name"]
    rows = pd.concat(
        [
            by_icb.assign(
                scope_type="icb",
                scope_code=by_icb["icb_code"],
                scope_name=by_icb["icb_code"].map(icb_names),
            ),
            by_region.assign(
                scope_type="region",
                scope_code=by_region["region_code"],
                scope_name=by_region["region_code"].map(region_names),
            ),
            england.assign(scope_type="england", scope_code="ENG", scope_name="England"),
        ],
        ignore_index=True,
    )
    return rows, unmapped


def _finish(rows: pd.DataFrame, measure: str, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """Add the ICB rank on ``measure`` within each month, then validate against ``model``."""
    is_icb = rows["scope_type"].eq("icb")
    rank = rows[is_icb].groupby("period")[measure].transform(rank_icbs)
    rows["rank"] = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    rows.loc[is_icb, "rank"] = rank.astype("Int64")
    return conform(rows, model)


def _unmapped(
    unmapped: pd.DataFrame, code: str, name: str, weight: Callable[[pd.DataFrame], pd.Series]
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "period": unmapped["period"],
            "provider_code": unmapped[code],
            "provider_name": unmapped[name],
            "weight": weight(unmapped),
        }
    )
    out = out.groupby(["period", "provider_code", "provider_name"], as_index=False)["weight"].sum()
    return conform(out.sort_values(["period", "weight"], ascending=[True, False]), UnmappedProvider)


def four_hour(
    providers: pd.DataFrame, lookup: pd.DataFrame, icbs: pd.DataFrame, regions: pd.DataFrame
) -> Benchmark:
    """4-hour performance, all types with booked appointments: 1 - over 4 h / attendances.

    ``providers`` is an A&E provider table (CSV or workbook, England row excluded).
    """
    frame = pd.concat([providers[["period", "org_code", "org_name"]], all_types(providers)], axis=1)
    rows, unmapped = _scopes(frame, lookup, icbs, regions, "org_code", ["attendances", "over_4h"])
    rows["four_hour_pct"] = 100 - _pct(rows["over_4h"], rows["attendances"])
    return Benchmark(
        table=_finish(rows, "four_hour_pct", FourHourBenchmark),
        unmapped=_unmapped(unmapped, "org_code", "org_name", lambda f: f["attendances"]),
    )


def diagnostics_within_6w(
    providers: pd.DataFrame, lookup: pd.DataFrame, icbs: pd.DataFrame, regions: pd.DataFrame
) -> Benchmark:
    """DM01 patients waiting (all tests) and % waiting under 6 weeks; rank 1 = highest %.

    ``providers`` is the DM01 ``Provider`` table (England row excluded).
    """
    sums = ["waiting_total", "waiting_6w_plus", "waiting_13w_plus"]
    rows, unmapped = _scopes(providers, lookup, icbs, regions, "provider_code", sums)
    rows["within_6w_pct"] = 100 - _pct(rows["waiting_6w_plus"], rows["waiting_total"])
    return Benchmark(
        table=_finish(rows, "within_6w_pct", DiagnosticsBenchmark),
        unmapped=_unmapped(
            unmapped, "provider_code", "provider_name", lambda f: f["waiting_total"]
        ),
    )


def rtt_waiting_list(
    incomplete: pd.DataFrame,
    lookup: pd.DataFrame,
    icbs: pd.DataFrame,
    regions: pd.DataFrame,
    use_file_parent: bool = False,
) -> Benchmark:
    """RTT waiting list (Part_2, all TFCs), % within 18 weeks and 52/65/78/104+ week waits.

    ``incomplete`` is the RTT parser's ``incomplete`` table; only its ``incomplete`` pathway
    rows are used (admitted and non-admitted are parts of them). Rank 1 = highest % within 18.
    With ``use_file_parent``, a provider the lookup does not know (mostly independent-sector
    sites) goes to the ICB the file names as its parent, when that is one of the 42 ICBs.
    """
    measures = {
        "total": "waiting_total",
        "within_18w": "within_18w",
        "over_52w": "over_52w",
        "over_65w": "over_65w",
        "over_78w": "over_78w",
        "over_104w": "over_104w",
    }
    rows_in = incomplete[incomplete["pathway_type"] == "incomplete"]
    keys = ["period", "provider_code", "provider_name", "provider_parent_code"]
    per_provider = (
        rows_in.groupby(keys, as_index=False)[list(measures)].sum().rename(columns=measures)
    )
    rows, unmapped = _scopes(
        per_provider,
        lookup,
        icbs,
        regions,
        "provider_code",
        list(measures.values()),
        fallback="provider_parent_code" if use_file_parent else None,
    )
    rows["within_18w_pct"] = _pct(rows["within_18w"], rows["waiting_total"])
    return Benchmark(
        table=_finish(rows, "within_18w_pct", RttBenchmark),
        unmapped=_unmapped(
            unmapped, "provider_code", "provider_name", lambda f: f["waiting_total"]
        ),
    )


__all__ = [
    "Benchmark",
    "diagnostics_within_6w",
    "four_hour",
    "map_providers",
    "rank_icbs",
    "rtt_waiting_list",
]
