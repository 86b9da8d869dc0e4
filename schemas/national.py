"""Tidy tables read from NHS England's national publications (A&E, DM01, RTT) and benchmarks.

Each model is the contract of one table that a parser in ``pipeline.national`` returns, with
columns in the order the warehouse table has them. Counts are whole numbers >= 0; England rows
use the scope code ``ENG``. Cross-column invariants that NHS England's own files satisfy (parts
add up to totals) are dataframe checks, so a file that breaks them is stopped at the boundary.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import fields

_PROVIDER = r"^(ENG|[A-Z0-9]{3,6})$"
_COUNT = Series[pd.Int64Dtype]

AE_TYPES = ("type1", "type2", "other", "booked_type1", "booked_type2", "booked_other")
DM01_WEEKS = tuple(f"waiting_week_{w:02d}" for w in range(13)) + ("waiting_week_13_plus",)


def _org(description: str, example: str = "REM") -> object:
    return fields.code(description, example=example, str_matches=_PROVIDER)


# --- A&E --------------------------------------------------------------------------------------


class AeProvider(pa.DataFrameModel):
    """One row per provider and month of the A&E publication (MSitAE), booked and not.

    ``other`` is NHS England's "Other A&E Department" (types 3 and 4). The England row of a
    file is kept apart, in the same shape, with ``org_code`` ``ENG``.
    """

    period: Series[str] = fields.period_month("The month the figures cover, YYYY-MM.")
    org_code: Series[str] = _org("ODS code of the provider (trust, site or independent unit).")
    org_name: Series[str] = fields.text("Provider name as NHS England gives it.")
    region_name: Series[str] = fields.text(
        "NHS England region as the file gives it (trailing spaces removed).",
        example="NHS ENGLAND NORTH WEST",
    )
    attendances_type1: _COUNT = fields.count("Unbooked attendances at type 1 departments.")
    attendances_type2: _COUNT = fields.count("Unbooked attendances at type 2 departments.")
    attendances_other: _COUNT = fields.count("Unbooked attendances at other (type 3/4) units.")
    attendances_booked_type1: _COUNT = fields.count("Booked appointments, type 1.")
    attendances_booked_type2: _COUNT = fields.count("Booked appointments, type 2.")
    attendances_booked_other: _COUNT = fields.count("Booked appointments, other departments.")
    over_4h_type1: _COUNT = fields.count("Unbooked type 1 attendances over 4 hours.")
    over_4h_type2: _COUNT = fields.count("Unbooked type 2 attendances over 4 hours.")
    over_4h_other: _COUNT = fields.count("Unbooked other-department attendances over 4 hours.")
    over_4h_booked_type1: _COUNT = fields.count("Booked type 1 attendances over 4 hours.")
    over_4h_booked_type2: _COUNT = fields.count("Booked type 2 attendances over 4 hours.")
    over_4h_booked_other: _COUNT = fields.count("Booked other-department attendances over 4 h.")
    dta_over_4h: _COUNT = fields.count(
        "Patients waiting more than 4 hours from decision to admit to admission, 12+ included."
    )
    dta_over_12h: _COUNT = fields.count(
        "Patients waiting more than 12 hours from decision to admit to admission."
    )
    emergency_admissions_type1: _COUNT = fields.count("Emergency admissions via type 1 A&E.")
    emergency_admissions_type2: _COUNT = fields.count("Emergency admissions via type 2 A&E.")
    emergency_admissions_other: _COUNT = fields.count("Emergency admissions via other A&E.")
    emergency_admissions_not_via_ae: _COUNT = fields.count("Other emergency admissions.")

    class Config:
        strict = True
        unique = ["period", "org_code"]

    @pa.dataframe_check(name="over_4h_not_above_attendances")
    def _over_4h(cls, df: pd.DataFrame) -> Series[bool]:
        ok = pd.Series(True, index=df.index)
        for kind in AE_TYPES:
            ok &= df[f"over_4h_{kind}"] <= df[f"attendances_{kind}"]
        return ok

    @pa.dataframe_check(name="dta_12h_within_4h")
    def _dta(cls, df: pd.DataFrame) -> Series[bool]:
        return df["dta_over_12h"] <= df["dta_over_4h"]


class AeSystem(pa.DataFrameModel):
    """One row per ICB (the workbook's System Level Data), booked and unbooked together.

    ``four_hour_fraction_published`` is NHS England's own all-types figure, kept to check ours.
    """

    period: Series[str] = fields.period_month("The month the figures cover, YYYY-MM.")
    icb_code: Series[str] = _org("ICB code, or ENG for England.", "QYG")
    icb_name: Series[str] = fields.text("ICB name as the workbook gives it.")
    attendances_type1: _COUNT = fields.count("Type 1 attendances, booked included.")
    attendances_type2: _COUNT = fields.count("Type 2 attendances, booked included.")
    attendances_other: _COUNT = fields.count("Type 3 attendances, booked included.")
    attendances_total: _COUNT = fields.count("All attendances.")
    over_4h_type1: _COUNT = fields.count("Type 1 attendances over 4 hours.")
    over_4h_type2: _COUNT = fields.count("Type 2 attendances over 4 hours.")
    over_4h_other: _COUNT = fields.count("Type 3 attendances over 4 hours.")
    over_4h_total: _COUNT = fields.count("All attendances over 4 hours.")
    four_hour_fraction_published: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, ge=0, le=1, description="Published share within 4 hours, all types (0-1)."
    )
    emergency_admissions_via_ae: _COUNT = fields.count("Emergency admissions via A&E.")
    emergency_admissions_not_via_ae: _COUNT = fields.count("Other emergency admissions.")
    dta_over_4h: _COUNT = fields.count("More than 4 hours from decision to admit, 12+ included.")
    dta_over_12h: _COUNT = fields.count("More than 12 hours from decision to admit.")

    class Config:
        strict = True
        unique = ["period", "icb_code"]

    @pa.dataframe_check(name="types_add_up")
    def _totals(cls, df: pd.DataFrame) -> Series[bool]:
        att = df["attendances_type1"] + df["attendances_type2"] + df["attendances_other"]
        over = df["over_4h_type1"] + df["over_4h_type2"] + df["over_4h_other"]
        return (att == df["attendances_total"]) & (over == df["over_4h_total"])


class AeSystemMapping(pa.DataFrameModel):
    """NHS England's provider -> ICB -> region mapping (the workbook's System Mapping sheet)."""

    period: Series[str] = fields.period_month("The month of the workbook the mapping comes from.")
    org_code: Series[str] = _org("ODS code of the provider or site.", "Y02532")
    org_name: Series[str] = fields.text("Provider name as the workbook gives it.")
    region_name: Series[str] = fields.text("Region, e.g. 'North West Commissioning Region'.")
    icb_name: Series[str] = fields.text("ICB name as the mapping gives it.")
    icb_code: Series[str] = fields.code(
        "ICB code, from the sheet's own ICB name -> code table.",
        "QYG",
        str_matches=r"^[A-Z0-9]{3,5}$",
    )

    class Config:
        strict = True
        unique = ["period", "org_code"]


# --- DM01 -------------------------------------------------------------------------------------


class Dm01Provider(pa.DataFrameModel):
    """One row per provider: patients waiting at month end by whole weeks, and tests done.

    England's row (``provider_code`` ``ENG``) is kept apart in the same shape.
    """

    period: Series[str] = fields.period_month("The month the figures cover, YYYY-MM.")
    region_code: Series[str] = _org("NHS England region code (Y56..Y63), ENG for England.", "Y62")
    region_name: Series[str] = fields.text("Region name as the file gives it.")
    provider_code: Series[str] = _org("ODS code of the provider.")
    provider_name: Series[str] = fields.text("Provider name as the file gives it.")
    waiting_total: _COUNT = fields.count("Patients waiting at month end, all tests.")
    waiting_6w_plus: _COUNT = fields.count("Of whom waiting 6 weeks or more.")
    waiting_13w_plus: _COUNT = fields.count("Of whom waiting 13 weeks or more.")
    waiting_week_00: _COUNT = fields.count("Waiting 0 to under 1 week.")
    waiting_week_01: _COUNT = fields.count("Waiting 1 to under 2 weeks.")
    waiting_week_02: _COUNT = fields.count("Waiting 2 to under 3 weeks.")
    waiting_week_03: _COUNT = fields.count("Waiting 3 to under 4 weeks.")
    waiting_week_04: _COUNT = fields.count("Waiting 4 to under 5 weeks.")
    waiting_week_05: _COUNT = fields.count("Waiting 5 to under 6 weeks.")
    waiting_week_06: _COUNT = fields.count("Waiting 6 to under 7 weeks.")
    waiting_week_07: _COUNT = fields.count("Waiting 7 to under 8 weeks.")
    waiting_week_08: _COUNT = fields.count("Waiting 8 to under 9 weeks.")
    waiting_week_09: _COUNT = fields.count("Waiting 9 to under 10 weeks.")
    waiting_week_10: _COUNT = fields.count("Waiting 10 to under 11 weeks.")
    waiting_week_11: _COUNT = fields.count("Waiting 11 to under 12 weeks.")
    waiting_week_12: _COUNT = fields.count("Waiting 12 to under 13 weeks.")
    waiting_week_13_plus: _COUNT = fields.count("Waiting 13 weeks or more.")
    activity_waiting_list: _COUNT = fields.count("Waiting-list tests done (excluding planned).")
    activity_planned: _COUNT = fields.count("Planned tests done.")
    activity_unscheduled: _COUNT = fields.count("Unscheduled tests done.")

    class Config:
        strict = True
        unique = ["period", "provider_code"]

    @pa.dataframe_check(name="week_bands_add_up")
    def _bands(cls, df: pd.DataFrame) -> Series[bool]:
        bands = df[list(DM01_WEEKS)]
        return (
            (bands.sum(axis=1) == df["waiting_total"])
            & (bands[list(DM01_WEEKS[6:])].sum(axis=1) == df["waiting_6w_plus"])
            & (df["waiting_week_13_plus"] == df["waiting_13w_plus"])
        )


class Dm01ProviderTest(Dm01Provider):
    """One row per provider and DM01 test (IDs 1-15; the per-provider Total, ID 16, is left out).

    A provider has rows only for the tests it reported.
    """

    test_id: Series[pd.Int64Dtype] = pa.Field(
        ge=1, le=15, coerce=True, description="DM01 test number, 1 (MRI) to 15 (gastroscopy)."
    )
    test_name: Series[str] = fields.text("Test name as the file gives it.")

    class Config:
        strict = True
        unique = ["period", "provider_code", "test_id"]


# --- RTT --------------------------------------------------------------------------------------

PATHWAY_TYPES = ("incomplete", "admitted", "non_admitted")


def _signed(description: str) -> object:
    # Derived non-admitted rows may be negative in a band (see RttIncomplete), so the sign is
    # checked by the model's dataframe check rather than per column.
    return pa.Field(coerce=True, description=description, metadata={"kind": "count"})


class RttIncomplete(pa.DataFrameModel):
    """Incomplete RTT pathways at month end, per provider, treatment function and pathway type.

    Summed over commissioners. ``incomplete`` is RTT Part_2 (all), ``admitted`` Part_2A (with a
    decision to admit) and ``non_admitted`` their difference. Weeks follow NHS England's bands:
    "Gt 17 To 18 Weeks" is more than 17 and up to 18 weeks, so within 18 weeks = bands 0-1 to
    17-18, and over N weeks = the bands from "Gt N To N+1" on. NHS England's files can have
    Part_2A above Part_2 in a single week band; the derived ``non_admitted`` figure is then
    negative there and is kept so, so that admitted + non-admitted = incomplete everywhere.
    """

    period: Series[str] = fields.period_month("The month end the snapshot is taken at, YYYY-MM.")
    provider_code: Series[str] = _org("ODS code of the provider.")
    provider_name: Series[str] = fields.text("Provider name as the file gives it.")
    provider_parent_code: Series[str] = fields.code(
        "The file's own parent (ICB) code for the provider, in that month's ICB codes.", "QYG"
    )
    tfc_code: Series[str] = fields.code(
        "Treatment function code without the file's 'C_' prefix (110, X02 ...).",
        "110",
        str_matches=r"^(\d{3}|X\d{2})$",
    )
    tfc_name: Series[str] = fields.text("Treatment function name as the file gives it.")
    pathway_type: Series[str] = pa.Field(isin=PATHWAY_TYPES, description="See the table note.")
    total: _COUNT = _signed("Incomplete pathways with a known clock start.")
    within_18w: _COUNT = _signed("Of which waited up to 18 weeks.")
    over_18w: _COUNT = _signed("Of which waited more than 18 weeks.")
    over_52w: _COUNT = _signed("Of which waited more than 52 weeks.")
    over_65w: _COUNT = _signed("Of which waited more than 65 weeks.")
    over_78w: _COUNT = _signed("Of which waited more than 78 weeks.")
    over_104w: _COUNT = _signed("Of which waited more than 104 weeks.")
    unknown_clock_start: _COUNT = pa.Field(
        nullable=True,
        ge=0,
        coerce=True,
        description="Pathways with an unknown clock start date; missing where the file is blank.",
    )

    class Config:
        strict = True
        unique = ["period", "provider_code", "tfc_code", "pathway_type"]

    @pa.dataframe_check(name="bands_add_up")
    def _add_up(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["within_18w"] + df["over_18w"] == df["total"]) & (df["total"] >= 0)

    @pa.dataframe_check(name="published_counts_non_negative_and_nested")
    def _nest(cls, df: pd.DataFrame) -> Series[bool]:
        counts = df[
            ["total", "within_18w", "over_18w", "over_52w", "over_65w", "over_78w", "over_104w"]
        ]
        nested = (
            (df["over_52w"] <= df["over_18w"])
            & (df["over_65w"] <= df["over_52w"])
            & (df["over_78w"] <= df["over_65w"])
            & (df["over_104w"] <= df["over_78w"])
        )
        return (df["pathway_type"] == "non_admitted") | ((counts >= 0).all(axis=1) & nested)


class RttCommissionerParent(pa.DataFrameModel):
    """Incomplete RTT pathways at month end by the commissioner's parent ICB, as the extract
    gives it (``Commissioner Parent Org Code``), all providers and treatment functions.

    ``incomplete`` is Part_2, ``admitted`` Part_2A. Pathways the file gives no commissioner
    parent for are under the code ``NONE``: England counts them, no ICB does.
    """

    period: Series[str] = fields.period_month("The month end the snapshot is taken at, YYYY-MM.")
    commissioner_parent_code: Series[str] = fields.code(
        "The file's commissioner parent (ICB) code, in that month's ICB codes; NONE if blank.",
        "QYG",
    )
    commissioner_parent_name: Series[str] = fields.text("The parent's name as the file gives it.")
    pathway_type: Series[str] = pa.Field(
        isin=("incomplete", "admitted"), description="incomplete (Part_2) or admitted (Part_2A)."
    )
    total: _COUNT = fields.count("Incomplete pathways with a known clock start.")
    within_18w: _COUNT = fields.count("Of which waited up to 18 weeks.")
    over_18w: _COUNT = fields.count("Of which waited more than 18 weeks.")
    over_52w: _COUNT = fields.count("Of which waited more than 52 weeks.")
    over_65w: _COUNT = fields.count("Of which waited more than 65 weeks.")
    over_78w: _COUNT = fields.count("Of which waited more than 78 weeks.")
    over_104w: _COUNT = fields.count("Of which waited more than 104 weeks.")

    class Config:
        strict = True
        unique = ["period", "commissioner_parent_code", "pathway_type"]

    @pa.dataframe_check(name="bands_add_up")
    def _add_up(cls, df: pd.DataFrame) -> Series[bool]:
        return df["within_18w"] + df["over_18w"] == df["total"]


class RttIncompleteWeeks(pa.DataFrameModel):
    """The week bands behind :class:`RttIncomplete`, one row per non-zero band.

    ``weeks_over`` = N for the band "Gt N To N+1 Weeks" (more than N, up to N+1 weeks);
    104 stands for "Gt 104 Weeks". Only derived non-admitted bands can be negative.
    """

    period: Series[str] = fields.period_month("The month end the snapshot is taken at, YYYY-MM.")
    provider_code: Series[str] = _org("ODS code of the provider.")
    tfc_code: Series[str] = fields.code("Treatment function code.", "110")
    pathway_type: Series[str] = pa.Field(isin=PATHWAY_TYPES, description="As in RttIncomplete.")
    weeks_over: Series[pd.Int64Dtype] = pa.Field(
        ge=0, le=104, coerce=True, description="Lower bound of the week band."
    )
    pathways: _COUNT = pa.Field(ne=0, coerce=True, description="Pathways in the band (not 0).")

    class Config:
        strict = True
        unique = ["period", "provider_code", "tfc_code", "pathway_type", "weeks_over"]

    @pa.dataframe_check(name="negative_only_when_derived")
    def _sign(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["pathways"] > 0) | (df["pathway_type"] == "non_admitted")


# --- Benchmarks -------------------------------------------------------------------------------

SCOPE_TYPES = ("icb", "region", "england")


class _Scope(pa.DataFrameModel):
    period: Series[str] = fields.period_month("The month the figures cover, YYYY-MM.")
    scope_type: Series[str] = pa.Field(isin=SCOPE_TYPES, description="icb, region or england.")
    scope_code: Series[str] = fields.code("ICB code, region code (Y56..) or ENG.", "QYG")
    scope_name: Series[str] = fields.text("ICB or region name; England.")
    rank: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=1,
        coerce=True,
        description="Rank among the ICBs in that month's publication (42 until the 2026 "
        "mergers, 36 after), 1 = best; blank for regions and England.",
    )

    class Config:
        strict = True
        unique = ["period", "scope_type", "scope_code"]


class FourHourBenchmark(_Scope):
    """4-hour performance, all types and booked included, for each ICB, region and England."""

    attendances: _COUNT = fields.count("All A&E attendances, booked included.")
    over_4h: _COUNT = fields.count("Of which more than 4 hours from arrival.")
    four_hour_pct: Series[float] = pa.Field(
        nullable=True, ge=0, le=100, description="100 * (1 - over_4h / attendances)."
    )


class DiagnosticsBenchmark(_Scope):
    """DM01 waiting list and % waiting under 6 weeks, all 15 tests, by provider footprint."""

    waiting_total: _COUNT = fields.count("Patients waiting at month end.")
    waiting_6w_plus: _COUNT = fields.count("Of whom waiting 6 weeks or more.")
    waiting_13w_plus: _COUNT = fields.count("Of whom waiting 13 weeks or more.")
    within_6w_pct: Series[float] = pa.Field(
        nullable=True, ge=0, le=100, description="100 * (1 - waiting_6w_plus / waiting_total)."
    )


class RttBenchmark(_Scope):
    """RTT incomplete pathways (waiting list) by provider footprint; rank on % within 18 weeks."""

    waiting_total: _COUNT = fields.count("Incomplete pathways with a known clock start.")
    within_18w: _COUNT = fields.count("Of which waited up to 18 weeks.")
    over_52w: _COUNT = fields.count("Of which waited more than 52 weeks.")
    over_65w: _COUNT = fields.count("Of which waited more than 65 weeks.")
    over_78w: _COUNT = fields.count("Of which waited more than 78 weeks.")
    over_104w: _COUNT = fields.count("Of which waited more than 104 weeks.")
    within_18w_pct: Series[float] = pa.Field(
        nullable=True, ge=0, le=100, description="100 * within_18w / waiting_total."
    )


class UnmappedProvider(pa.DataFrameModel):
    """Providers whose rows could not be placed in an ICB: counted in England only."""

    period: Series[str] = fields.period_month("The month the figures cover, YYYY-MM.")
    provider_code: Series[str] = _org("ODS code that no mapping knows.")
    provider_name: Series[str] = fields.text("Name as the publication gives it.")
    weight: _COUNT = fields.count("The provider's denominator (attendances or patients waiting).")

    class Config:
        strict = True
        unique = ["period", "provider_code"]
