"""A&E attendances and emergency admissions (NHS England, MSitAE collection).

Two forms of the same monthly publication are read:

* the provider CSV: one header row, one row per provider (trusts, independent and GP-led units),
  and a final England row with ``TOTAL`` in its four text columns;
* the xlsx workbook: a metadata block and two header rows on each sheet. Its
  ``Non-Booked Data`` and ``Booked Appointments Data`` sheets together give the same provider
  columns as the CSV (checked against its ``Provider Level Data``, which is their sum); it also
  has ICB totals (``System Level Data``) and NHS England's provider -> ICB mapping
  (``System Mapping``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.national import grid
from pipeline.national.publication import (
    Publication,
    PublicationError,
    date_from_text,
    period_from_text,
)
from pipeline.national.tidy import conform
from schemas.national import AE_TYPES, AeProvider, AeSystem, AeSystemMapping

#: CSV header -> tidy column. Every header must be present; order in the file does not matter.
CSV_COLUMNS = {
    "Org Code": "org_code",
    "Parent Org": "region_name",
    "Org name": "org_name",
    "A&E attendances Type 1": "attendances_type1",
    "A&E attendances Type 2": "attendances_type2",
    "A&E attendances Other A&E Department": "attendances_other",
    "A&E attendances Booked Appointments Type 1": "attendances_booked_type1",
    "A&E attendances Booked Appointments Type 2": "attendances_booked_type2",
    "A&E attendances Booked Appointments Other Department": "attendances_booked_other",
    "Attendances over 4hrs Type 1": "over_4h_type1",
    "Attendances over 4hrs Type 2": "over_4h_type2",
    "Attendances over 4hrs Other Department": "over_4h_other",
    "Attendances over 4hrs Booked Appointments Type 1": "over_4h_booked_type1",
    "Attendances over 4hrs Booked Appointments Type 2": "over_4h_booked_type2",
    "Attendances over 4hrs Booked Appointments Other Department": "over_4h_booked_other",
    "Patients who have waited 4-12 hs from DTA to admission": "dta_4_to_12h",
    "Patients who have waited 12+ hrs from DTA to admission": "dta_over_12h",
    "Emergency admissions via A&E - Type 1": "emergency_admissions_type1",
    "Emergency admissions via A&E - Type 2": "emergency_admissions_type2",
    "Emergency admissions via A&E - Other A&E department": "emergency_admissions_other",
    "Other emergency admissions": "emergency_admissions_not_via_ae",
}
COUNT_COLUMNS = [
    c
    for c in AeProvider.to_schema().columns
    if c.startswith(("attendances_", "over_4h_", "dta_", "emergency_"))
]


@dataclass(frozen=True)
class AeMonth(Publication):
    """A month of the provider CSV: providers, and England's TOTAL row kept for checks."""

    providers: pd.DataFrame
    england_total: pd.DataFrame


@dataclass(frozen=True)
class AeWorkbook(Publication):
    """A month of the xlsx workbook: providers, ICB totals, England, and the mapping."""

    providers: pd.DataFrame
    england_total: pd.DataFrame
    systems: pd.DataFrame
    system_england: pd.DataFrame
    system_mapping: pd.DataFrame


# --- the CSV ----------------------------------------------------------------------------------


def read_csv_text(path: Path) -> pd.DataFrame:
    """The CSV as text cells, header labels stripped."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip() for c in frame.columns]
    return frame.apply(lambda col: col.str.strip())


def parse_ae_csv(path: Path) -> AeMonth:
    """Read the monthly A&E provider CSV (``MSitAE-<MONTH>-<YEAR>`` in its Period column)."""
    raw = read_csv_text(path)
    missing = [c for c in ["Period", *CSV_COLUMNS] if c not in raw.columns]
    if missing:
        raise PublicationError(f"{Path(path).name}: A&E CSV without columns {missing}")
    periods = raw.loc[raw["Period"] != "TOTAL", "Period"].unique()
    if len(periods) != 1:
        raise PublicationError(f"{Path(path).name}: expected one period, found {list(periods)}")
    period = period_from_text(periods[0])

    frame = raw.rename(columns=CSV_COLUMNS)
    for column in CSV_COLUMNS.values():
        if column not in ("org_code", "org_name", "region_name"):
            frame[column] = grid.to_counts(frame[column], column)
    # The workbook gives waits over 4 hours from decision to admit with 12+ included; the CSV
    # splits 4-12 from 12+. Store the workbook's form so both read the same.
    frame["dta_over_4h"] = frame["dta_4_to_12h"] + frame["dta_over_12h"]
    frame["period"] = period

    is_total = raw["Org Code"].eq("TOTAL")
    if is_total.sum() != 1:
        raise PublicationError(f"{Path(path).name}: expected one TOTAL row, found {is_total.sum()}")
    england = frame[is_total].assign(org_code="ENG", org_name="England", region_name="England")
    return AeMonth(
        kind="ae_provider_csv",
        period=period,
        published=None,  # the CSV states no dates
        revised=None,
        providers=conform(frame[~is_total], AeProvider),
        england_total=conform(england, AeProvider),
    )


# --- the workbook -----------------------------------------------------------------------------

ATT = "A&E attendances"
OVER = "A&E attendances greater than 4 hours from arrival to admission, transfer or discharge"
TYPES = {
    "type1": "Type 1 Departments - Major A&E",
    "type2": "Type 2 Departments - Single Specialty",
    "other": "Type 3 Departments - Other A&E/Minor Injury Unit",
}
ADMISSIONS = {
    "emergency_admissions_type1": "Emergency Admissions via Type 1 A&E",
    "emergency_admissions_type2": "Emergency Admissions via Type 2 A&E",
    "emergency_admissions_other": "Emergency Admissions via Type 3 and 4 A&E",
    "emergency_admissions_not_via_ae": "Other Emergency admissions (i.e not via A&E)",
    "dta_over_4h": "Number of patients spending >4 hours from decision to admit to admission",
    "dta_over_12h": "Number of patients spending >12 hours from decision to admit to admission",
}


def _sheet_table(path: Path, sheet: str, key: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """A data sheet as (rows under its header, metadata), columns as ``group | label``.

    ``key`` is the header label of the code column ('Code'); the first row under the header
    is England (code '-'), then a blank row, then the data.
    """
    cells = grid.read_grid(path, sheet)
    header = grid.find_row(cells, [key, "Type 1 Departments - Major A&E"], sheet)
    body = cells.iloc[header + 1 :].copy()
    body.columns = grid.grouped_labels(cells, header)
    code = next(c for c in body.columns if c == key or c.endswith(f"| {key}"))
    body = body[body[code].notna()].rename(columns={code: "code"})
    return body, grid.metadata(cells, header)


def _column(body: pd.DataFrame, group: str, label: str) -> pd.Series:
    """The column labelled ``label`` under the group named ``group``.

    A group whose name is exactly ``group`` wins; otherwise the first group whose name starts
    with it (group names carry long tails such as '... from arrival to admission').
    """
    candidates = []
    for column in body.columns:
        head, _, tail = column.partition(" | ")
        if tail == label and head.casefold().startswith(group.casefold()):
            candidates.append((head.casefold() != group.casefold(), column))
    if not candidates:
        raise PublicationError(f"no column {label!r} under {group!r}")
    return body[min(candidates)[1]]


def _label(body: pd.DataFrame, label: str) -> pd.Series:
    for column in body.columns:
        if column == label or column.endswith(f"| {label}"):
            return body[column]
    raise PublicationError(f"no column {label!r}")


def _booked_and_unbooked(path: Path, period: str) -> pd.DataFrame:
    """Provider rows in the CSV's shape, from the Non-Booked and Booked Appointments sheets."""
    unbooked, _ = _sheet_table(path, "Non-Booked Data", "Code")
    booked, _ = _sheet_table(path, "Booked Appointments Data", "Code")
    out = pd.DataFrame(
        {
            "period": period,
            "org_code": unbooked["code"],
            "region_name": _label(unbooked, "Region"),
            "org_name": _label(unbooked, "Name"),
        }
    )
    for kind, label in TYPES.items():
        out[f"attendances_{kind}"] = grid.to_counts(_column(unbooked, ATT, label), kind)
        out[f"over_4h_{kind}"] = grid.to_counts(_column(unbooked, OVER, label), kind)
    for column, label in ADMISSIONS.items():
        out[column] = grid.to_counts(_label(unbooked, label), column)
    booked = booked.set_index("code")
    booked_att = "A&E Booked Appointment attendances"
    booked_over = "A&E Booked Appointments attendances greater than 4 hours"
    for kind, label in TYPES.items():
        values = out["org_code"].map(grid.to_counts(_column(booked, booked_att, label), kind))
        out[f"attendances_booked_{kind}"] = values.fillna(0).astype("Int64")
        values = out["org_code"].map(grid.to_counts(_column(booked, booked_over, label), kind))
        out[f"over_4h_booked_{kind}"] = values.fillna(0).astype("Int64")
    missing = set(booked.index) - set(out["org_code"])
    if missing:
        raise PublicationError(f"booked rows for providers not in Non-Booked Data: {missing}")
    return out


def _check_provider_level(path: Path, providers: pd.DataFrame) -> None:
    """Booked + unbooked must equal NHS England's own Provider Level Data, cell by cell."""
    total, _ = _sheet_table(path, "Provider Level Data", "Code")
    total = total.set_index("code")
    for kind, label in TYPES.items():
        for group, ours in ((ATT, "attendances"), (OVER, "over_4h")):
            theirs = grid.to_counts(_column(total, group, label), label)
            summed = providers[f"{ours}_{kind}"] + providers[f"{ours}_booked_{kind}"]
            if not summed.set_axis(providers["org_code"]).equals(theirs.loc[providers["org_code"]]):
                raise PublicationError(
                    f"booked + non-booked {ours} {kind} differ from Provider Level Data"
                )


def _systems(path: Path, period: str) -> pd.DataFrame:
    body, _ = _sheet_table(path, "System Level Data", "Code")
    out = pd.DataFrame(
        {"period": period, "icb_code": body["code"], "icb_name": _label(body, "System")}
    )
    for kind, label in TYPES.items():
        out[f"attendances_{kind}"] = grid.to_counts(_column(body, ATT, label), kind)
        out[f"over_4h_{kind}"] = grid.to_counts(_column(body, "A&E attendances > 4", label), kind)
    out["attendances_total"] = grid.to_counts(_label(body, "Total attendances"), "total")
    out["over_4h_total"] = grid.to_counts(_label(body, "Total Attendances > 4 hours"), "total")
    out["four_hour_fraction_published"] = grid.to_fractions(
        _label(body, "Percentage in 4 hours or less (all)")
    )
    out["emergency_admissions_via_ae"] = grid.to_counts(
        _label(body, "Total Emergency Admissions via A&E"), "admissions"
    )
    out["emergency_admissions_not_via_ae"] = grid.to_counts(
        _label(body, ADMISSIONS["emergency_admissions_not_via_ae"]), "admissions"
    )
    out["dta_over_4h"] = grid.to_counts(_label(body, ADMISSIONS["dta_over_4h"]), "dta")
    out["dta_over_12h"] = grid.to_counts(_label(body, ADMISSIONS["dta_over_12h"]), "dta")
    out.loc[out["icb_code"] == "-", ["icb_code", "icb_name"]] = ["ENG", "England"]
    return out


def read_system_mapping(path: Path, period: str | None = None) -> pd.DataFrame:
    """The workbook's System Mapping: provider -> region name -> ICB (name and code).

    The sheet holds two tables side by side: providers (Org code, Region, Name, ICB name under
    the header 'STP') and, to the right, ICB names -> codes (headed 'STP', 'Code'). The ICB code
    of a provider is found by its ICB name in the second table.
    """
    cells = grid.read_grid(path, "System Mapping")
    header = grid.find_row(cells, ["Org code", "Region", "Name", "Code"], "System Mapping")
    org = grid.column_of(cells, header, "Org code")
    code = grid.column_of(cells, header, "Code")
    body = cells.iloc[header + 1 :]
    icbs = body[[code - 1, code, code + 1, code + 2]].dropna(subset=[code])
    icbs.columns = ["stp_name", "icb_code", "icb_ods_name", "icb_name"]
    by_name = {_key(n): c for n, c in zip(icbs["icb_ods_name"], icbs["icb_code"], strict=True)}
    providers = body[[org, org + 1, org + 2, org + 3]].dropna(subset=[org])
    providers.columns = ["org_code", "region_name", "org_name", "icb_name"]
    # The sheet has a lower-case code (NTV0b for NTV0B: Excel's look-ups ignore case, so it
    # works there) and two rows repeated word for word (NNFA7, Y02584): ODS codes are upper
    # case, and a repeated row adds nothing. A code mapped to two ICBs would be an error.
    providers = providers.assign(org_code=providers["org_code"].str.upper()).drop_duplicates()
    clashes = providers.loc[providers["org_code"].duplicated(), "org_code"].tolist()
    if clashes:
        raise PublicationError(f"System Mapping gives two different rows for {clashes}")
    providers = providers.assign(icb_code=providers["icb_name"].map(lambda n: by_name.get(_key(n))))
    unknown = providers.loc[providers["icb_code"].isna(), "icb_name"].unique()
    if len(unknown):
        raise PublicationError(f"System Mapping names ICBs not in its own code table: {unknown}")
    if period is None:
        meta = grid.metadata(grid.read_grid(path, "System Level Data"))
        period = period_from_text(meta.get("Period", ""))
    return conform(providers.assign(period=period), AeSystemMapping)


def icb_codes(path: Path) -> pd.DataFrame:
    """The System Mapping's own ICB table: icb_code, ODS-style upper-case name, STP name."""
    cells = grid.read_grid(path, "System Mapping")
    header = grid.find_row(cells, ["Org code", "Code"], "System Mapping")
    code = grid.column_of(cells, header, "Code")
    icbs = cells.iloc[header + 1 :, [code - 1, code, code + 1]].dropna(subset=[code])
    icbs.columns = ["stp_name", "icb_code", "icb_ods_name"]
    return icbs.reset_index(drop=True)


def _key(name: object) -> str:
    return " ".join(str(name).upper().split())


def parse_ae_workbook(path: Path) -> AeWorkbook:
    """Read the monthly A&E xlsx workbook (providers, ICB totals, mapping)."""
    cells = grid.read_grid(path, "Provider Level Data")
    header = grid.find_row(cells, ["Code", "Region", "Name"], "Provider Level Data")
    meta = grid.metadata(cells, header)
    period = period_from_text(meta.get("Period", ""))
    providers = _booked_and_unbooked(path, period)
    _check_provider_level(path, providers)
    is_england = providers["org_code"].eq("-")
    england = providers[is_england].assign(
        org_code="ENG", org_name="England", region_name="England"
    )
    systems = _systems(path, period)
    is_eng_system = systems["icb_code"].eq("ENG")
    return AeWorkbook(
        kind="ae_workbook",
        period=period,
        published=date_from_text(meta.get("Published")),
        revised=date_from_text(meta.get("Revised")),
        providers=conform(providers[~is_england], AeProvider),
        england_total=conform(england, AeProvider),
        systems=conform(systems[~is_eng_system], AeSystem),
        system_england=conform(systems[is_eng_system], AeSystem),
        system_mapping=read_system_mapping(path, period),
    )


def all_types(frame: pd.DataFrame) -> pd.DataFrame:
    """Attendances and over-4-hour counts summed over all types, booked included."""
    return pd.DataFrame(
        {
            "attendances": frame[[f"attendances_{k}" for k in AE_TYPES]].sum(axis=1),
            "over_4h": frame[[f"over_4h_{k}" for k in AE_TYPES]].sum(axis=1),
        }
    )
