"""Row builders the tests share: the rows of a return file as a trust would send them, and the
rows of each ``raw`` table as ingestion stores them (with the ledger rows that make them current),
each with defaults so a test names only what it is about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

PTL_SNAPSHOT = dt.date(2023, 10, 22)  # a Sunday; 23 weeks before 31 March 2024
PTL_IDS = [f"PWZQ{n:04d}" for n in range(1, 9)]
AGGREGATE_SNAPSHOT = "2023-10-29"  # a Sunday


# Return files: the columns a trust fills in.


def dm01_rows(org: str = "RJR", period: str = "2023-10") -> pd.DataFrame:
    """MRI (by key) waiting 10 at week 0, 4 at 5, 3 at 6, 1 at 104+; CT (by number, 2) waiting
    2 at week 13; MRI tests done 20 waiting-list, 5 planned, 7 unscheduled; CT 30 waiting-list.
    """
    rows = [
        ("mri", "waiting", 0, 10),
        ("mri", "waiting", 5, 4),
        ("mri", "waiting", 6, 3),
        ("mri", "waiting", 104, 1),
        ("2", "waiting", 13, 2),
        ("mri", "tests_waiting_list", None, 20),
        ("mri", "tests_planned", None, 5),
        ("mri", "tests_unscheduled", None, 7),
        ("2", "tests_waiting_list", None, 30),
    ]
    frame = pd.DataFrame(rows, columns=["test", "measure", "weeks_waited", "number"])
    frame["weeks_waited"] = frame["weeks_waited"].astype("Int64")
    frame.insert(0, "period", period)
    frame.insert(0, "org_code", org)
    return frame


def finance_row(org: str = "RJR", period: str = "2023-10", **changes) -> pd.DataFrame:
    """Month 7: YTD plan -4,200 and actual -6,150.5 (£k), so 1,950.5 worse than plan."""
    row = {
        "org_code": org,
        "period": period,
        "fy_month": 7,
        "ytd_plan_surplus_deficit": -4200,
        "ytd_actual_surplus_deficit": -6150.5,
        "fy_plan_surplus_deficit": -7200,
        "fy_forecast_outturn": -7200,
        "cip_ytd_plan": 9800,
        "cip_ytd_delivered": 8420,
        "cip_ytd_recurrent": 5100,
        "capital_fy_plan": 31000,
        "capital_ytd_spend": 10400,
        "cash_support_requested": 3000,
        "cash_support_received": 2500,
    }
    return pd.DataFrame([{**row, **changes}])


def ptl_rows(org: str = "REM", period: str = "2023-10-22") -> pd.DataFrame:
    """Eight pathways whose clock starts put them at chosen whole weeks waited.

    Days before the snapshot -> weeks: 0 -> 0, 6 -> 0, 7 -> 1, 147 -> 21, 364 -> 52 (twice,
    same day, TFC, type and priority: one count of 2), 728 -> exactly 104, 1400 (200 weeks) ->
    104 (the cap). The 65-week cohort at 31 March 2024 is clock starts on or before
    2022-12-25 (65 weeks back): the 52-, 104- and 200-week pathways, 2 admitted, 2 not.
    """
    days = [0, 6, 7, 147, 364, 364, 728, 1400]
    rows = {
        "org_code": org,
        "period": period,
        "pathway_id": PTL_IDS,
        "clock_start_date": [(PTL_SNAPSHOT - dt.timedelta(days=d)).isoformat() for d in days],
        "treatment_function_code": ["110", "110", "110", "502", "110", "110", "X02", "X02"],
        "pathway_type": [
            "admitted",
            "admitted",
            "non_admitted",
            "non_admitted",
            "admitted",
            "admitted",
            "non_admitted",
            "non_admitted",
        ],
        "priority": ["P2", "P2", "", "", "P4", "P4", "", ""],
    }
    return pd.DataFrame(rows)


def session(
    session: str = "AM",
    start: str = "08:30",
    end: str = "12:30",
    actual_start="08:15",
    actual_end="12:50",
    status: str = "held",
    reason: str = "",
    cases: int = 3,
    day: str = "2023-10-02",
    theatre: str = "Theatre 1",
) -> dict:
    return {
        "org_code": "RJR",
        "period": "2023-10",
        "site_code": "RJR05",
        "theatre": theatre,
        "session_date": day,
        "session": session,
        "specialty_tfc": "110",
        "planned_start": start,
        "planned_end": end,
        "actual_start": actual_start,
        "actual_end": actual_end,
        "status": status,
        "cancellation_reason": reason,
        "cases": cases,
    }


def theatre_rows() -> pd.DataFrame:
    """Three sessions in one theatre on Monday 2 October 2023:

    - AM, planned 08:30-12:30 (240 min), started early at 08:15 and overran to 12:50:
      touch time 275 min uncapped, 240 capped (15 min early start and 20 min overrun cut off);
    - PM, planned 13:30-17:30 (240 min), cancelled: 0 touch time, still 240 planned minutes;
    - EVE, planned 18:00-22:00 (240 min), 18:10 to 00:40 the next morning: 390 min uncapped,
      230 capped (18:10-22:00).
    """
    return pd.DataFrame(
        [
            session(),
            session("PM", "13:30", "17:30", "", "", "cancelled", "Surgeon unwell", 0),
            session("EVE", "18:00", "22:00", "18:10", "00:40", cases=2),
        ]
    )


def plan_row(
    metric: str,
    scope: str,
    month: str,
    value: float,
    kind: str = "plan",
    deadline: str = "",
    parameter: str = "",
    year: str = "2023-24",
) -> dict:
    return {
        "org_code": "QYG",
        "period": year,
        "metric": metric,
        "scope": scope,
        "month": month,
        "kind": kind,
        "value": value,
        "deadline": deadline,
        "parameter": parameter,
    }


def aggregate(org: str, period: str, rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    """An aggregate return: (pathway type, weeks waited, pathways) rows, all TFC 110."""
    frame = pd.DataFrame(rows, columns=["pathway_type", "weeks_waited", "pathways"])
    frame.insert(0, "treatment_function_code", "110")
    frame.insert(0, "period", period)
    frame.insert(0, "org_code", org)
    return frame


def plans(year: str, targets: list[tuple[str, str]]) -> pd.DataFrame:
    """A plans file with the cohort targets (threshold weeks, deadline) of one year."""
    return pd.DataFrame(
        [
            {
                "org_code": "QYG",
                "period": year,
                "metric": "rtt.cohort.remaining",
                "scope": "QYG",
                "month": deadline[:7],
                "kind": "target",
                "value": 0,
                "deadline": deadline,
                "parameter": weeks,
            }
            for weeks, deadline in targets
        ]
    )


def aggregate_rows(org: str = "RJR", period: str = AGGREGATE_SNAPSHOT) -> pd.DataFrame:
    """A small aggregate return, 90 pathways, with figures easy to work out by hand.

    Under 18 weeks: 40 + 10 + 25 = 75. 52 weeks or more: 3 + 2 + 1 + 4 = 10 (65+: 7, 78+: 5,
    104+: 4). The 65-week cohort at 31 March 2024 (22 weeks on) is those at 43 weeks or more now:
    the same 10, of which 4 admitted and 6 non-admitted.
    """
    rows = [
        ("110", "admitted", 0, 40),
        ("110", "admitted", 17, 10),
        ("110", "admitted", 18, 5),
        ("110", "non_admitted", 52, 3),
        ("110", "non_admitted", 65, 2),
        ("X02", "non_admitted", 78, 1),
        ("X02", "admitted", 104, 4),
        ("502", "non_admitted", 3, 25),
    ]
    frame = pd.DataFrame(
        rows, columns=["treatment_function_code", "pathway_type", "weeks_waited", "pathways"]
    )
    frame.insert(0, "period", period)
    frame.insert(0, "org_code", org)
    return frame


# Raw tables: the rows ingestion stores, each tagged with its submission.


def ledger(
    submission_id: int,
    org_code: str,
    return_type: str,
    period: str,
    status: str = "loaded",
    superseded_by: int | None = None,
) -> dict[str, Any]:
    """The ledger's row for one file received; only the loaded ones reach staging."""
    return {
        "submission_id": submission_id,
        "sha256": f"{submission_id:064x}",
        "org_code": org_code,
        "return_type": return_type,
        "period": period,
        "template_version": "1",
        "file_name": f"{return_type}_{period}.csv",
        "received_at": "2023-11-01 09:00:00",
        "processed_at": "2023-11-01 09:00:01",
        "status": status,
        "row_count": 1,
        "error_count": 0,
        "path": f"archive/{org_code}/{submission_id}.csv",
        "feedback_path": None,
        "duplicate_of": None,
        "superseded_by": superseded_by,
        "message": None,
    }


def raw_uec(
    submission_id: int, org_code: str, date: str, site_code: str | None = None, **counts: int
) -> dict[str, Any]:
    """One site's day of the UEC return; every count 0 unless given."""
    names = [
        "type1_attendances",
        "type1_within_4h",
        "type2_attendances",
        "type2_within_4h",
        "type3_attendances",
        "type3_within_4h",
        "booked_attendances",
        "booked_within_4h",
        "type1_over_12h_from_arrival",
        "ga_beds_occupied",
        "beds_stay_7plus",
        "beds_stay_14plus",
        "beds_stay_21plus",
    ]
    unknown = set(counts) - set(names)
    assert not unknown, f"not a UEC column: {unknown}"
    return {
        "submission_id": submission_id,
        "org_code": org_code,
        "period": date[:7],
        "site_code": site_code or f"{org_code}01",
        "date": date,
        **{name: counts.get(name, 0) for name in names},
    }


def raw_finance(
    submission_id: int, org_code: str, period: str, fy_month: int, **money: float
) -> dict[str, Any]:
    """One organisation's finance month (£ thousands, surplus positive); every figure 0 unless
    given."""
    names = [
        "ytd_plan_surplus_deficit",
        "ytd_actual_surplus_deficit",
        "fy_plan_surplus_deficit",
        "fy_forecast_outturn",
        "cip_ytd_plan",
        "cip_ytd_delivered",
        "cip_ytd_recurrent",
        "capital_fy_plan",
        "capital_ytd_spend",
        "cash_support_requested",
        "cash_support_received",
    ]
    unknown = set(money) - set(names)
    assert not unknown, f"not a finance column: {unknown}"
    return {
        "submission_id": submission_id,
        "org_code": org_code,
        "period": period,
        "fy_month": fy_month,
        **{name: money.get(name, 0.0) for name in names},
    }


def raw_theatre_session(
    submission_id: int,
    org_code: str,
    day: str,
    planned: tuple[str, str],
    actual: tuple[str, str] | None,
    session: str = "AM",
    theatre: str = "Theatre 1",
    cases: int = 1,
) -> dict[str, Any]:
    """One theatre session; ``actual`` None for a cancelled one. Times are HH:MM on ``day``
    (an actual end before its start is the next morning)."""

    def at(time: str, after: dt.datetime | None = None) -> dt.datetime:
        moment = dt.datetime.fromisoformat(f"{day}T{time}")
        return moment + dt.timedelta(days=1) if after and moment < after else moment

    planned_start = at(planned[0])
    actual_start = at(actual[0]) if actual else None
    return {
        "submission_id": submission_id,
        "org_code": org_code,
        "period": day[:7],
        "site_code": f"{org_code}01",
        "theatre": theatre,
        "session_date": day,
        "session": session,
        "specialty_tfc": "110",
        "planned_start": planned_start,
        "planned_end": at(planned[1], planned_start),
        "actual_start": actual_start,
        "actual_end": at(actual[1], actual_start) if actual else None,
        "status": "held" if actual else "cancelled",
        "cancellation_reason": None if actual else "List cancelled",
        "cases": cases,
    }


def raw_dm01(
    submission_id: int,
    org_code: str,
    period: str,
    test_id: int,
    measure: str,
    number: int,
    weeks_waited: int | None = None,
) -> dict[str, Any]:
    """One DM01 cell: waiting patients at a whole number of weeks, or tests done."""
    return {
        "submission_id": submission_id,
        "org_code": org_code,
        "period": period,
        "test_id": test_id,
        "measure": measure,
        "weeks_waited": weeks_waited,
        "number": number,
    }


def raw_rtt_aggregate(
    submission_id: int,
    org_code: str,
    snapshot: str,
    weeks_waited: int,
    pathways: int,
    pathway_type: str = "admitted",
    treatment_function_code: str = "110",
) -> dict[str, Any]:
    """One cell of the aggregate waiting-list return at a weekly snapshot (a Sunday)."""
    return {
        "submission_id": submission_id,
        "org_code": org_code,
        "period": snapshot,
        "treatment_function_code": treatment_function_code,
        "pathway_type": pathway_type,
        "weeks_waited": weeks_waited,
        "pathways": pathways,
    }


def raw_plan(
    submission_id: int,
    metric: str,
    scope: str,
    month: str,
    value: float,
    kind: str = "plan",
    deadline: str | None = None,
    parameter: str | None = None,
    year: str = "2023-24",
    org_code: str = "QYG",
) -> dict[str, Any]:
    """One row of the ICB's plans file."""
    return {
        "submission_id": submission_id,
        "org_code": org_code,
        "period": year,
        "metric": metric,
        "scope": scope,
        "month": month,
        "kind": kind,
        "value": value,
        "deadline": deadline,
        "parameter": parameter,
    }


def raw_programme(
    submission_id: int, metric: str, scope: str, date: str, value: float, org_code: str = "QYG"
) -> dict[str, Any]:
    """One programme value for a day (OPEL level, CDC tests, ...)."""
    return {
        "submission_id": submission_id,
        "org_code": org_code,
        "period": date[:7],
        "metric": metric,
        "scope": scope,
        "date": date,
        "value": value,
        "note": None,
    }


def raw_nhse_ae(
    submission_id: int, org_code: str, period: str, region_name: str, **counts: int
) -> dict[str, Any]:
    """One provider's month in NHS England's A&E publication; every count 0 unless given."""
    names = [
        "attendances_type1",
        "attendances_type2",
        "attendances_other",
        "attendances_booked_type1",
        "attendances_booked_type2",
        "attendances_booked_other",
        "over_4h_type1",
        "over_4h_type2",
        "over_4h_other",
        "over_4h_booked_type1",
        "over_4h_booked_type2",
        "over_4h_booked_other",
        "dta_over_4h",
        "dta_over_12h",
        "emergency_admissions_type1",
        "emergency_admissions_type2",
        "emergency_admissions_other",
        "emergency_admissions_not_via_ae",
    ]
    unknown = set(counts) - set(names)
    assert not unknown, f"not an A&E publication column: {unknown}"
    return {
        "submission_id": submission_id,
        "period": period,
        "org_code": org_code,
        "org_name": f"{org_code} provider",
        "region_name": region_name,
        **{name: counts.get(name, 0) for name in names},
    }
