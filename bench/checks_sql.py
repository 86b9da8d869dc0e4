"""The UEC return's checks written as one DuckDB query: the baseline of the validation benchmark.

The query answers what pandera's failure cases answer, one (row, check) pair per failure, so the
two are compared doing the same work, not a count against a report. Over a text table it also
parses the cells first (``TRY_CAST``) and reports cells that do not parse, as the project's
parser does before pandera runs.
"""

from __future__ import annotations

import pandas as pd

from bench.core import quiet_duckdb
from pipeline.returns import get_return

#: (smaller, larger) pairs of the return's cross-column rules (``schemas.uec.RULES``).
NOT_ABOVE = [
    ("type1_within_4h", "type1_attendances"),
    ("type2_within_4h", "type2_attendances"),
    ("type3_within_4h", "type3_attendances"),
    ("booked_within_4h", "booked_attendances"),
    ("beds_stay_21plus", "beds_stay_14plus"),
    ("beds_stay_14plus", "beds_stay_7plus"),
    ("beds_stay_7plus", "ga_beds_occupied"),
]


def count_columns() -> list[str]:
    schema = get_return("uec").schema
    return [
        name
        for name, column in schema.columns.items()
        if (column.metadata or {}).get("kind") == "count"
    ]


def failures(frame: pd.DataFrame, *, text: bool) -> pd.DataFrame:
    """Every (row, check) that fails in ``frame``; ``text`` when its cells are still text."""
    con = quiet_duckdb()
    try:
        con.register("frame", frame.reset_index(names="row"))
        return con.execute(query(text=text)).df()
    finally:
        con.close()


def query(*, text: bool) -> str:
    counts = count_columns()
    if text:

        def cell(c: str) -> str:
            return f"nullif(trim({c}), '')"

        parsed = [f"upper({cell(c)}) AS {c}" for c in ("org_code", "site_code")]
        parsed += [f"{cell('period')} AS period", f"TRY_CAST({cell('date')} AS DATE) AS date"]
        parsed += [f"TRY_CAST({cell(c)} AS BIGINT) AS {c}" for c in counts]
        parses = [
            f"({cell(c)} IS NULL OR TRY_CAST({cell(c)} AS {kind}) IS NOT NULL) AS {c}_parses"
            for c, kind in [("date", "DATE"), *((c, "BIGINT") for c in counts)]
        ]
        select = ", ".join(["row", *parsed, *parses])
        passed_on = ", ".join(f"{c}_parses" for c in ("date", *counts))
    else:
        select, passed_on = "*", ""
    rules = [
        "coalesce(regexp_full_match(org_code, '[A-Z0-9]{3,5}'), false) AS org_code_form",
        r"coalesce(regexp_full_match(period, '\d{4}-(0[1-9]|1[0-2])'), false) AS period_form",
        "coalesce(regexp_full_match(site_code, '[A-Z0-9]{5}'), false) AS site_code_form",
        "date IS NOT NULL AS date_present",
        "count(*) OVER (PARTITION BY site_code, date) = 1 AS site_day_unique",
        *(f"coalesce({c} >= 0, false) AS {c}_count" for c in counts),
        *(
            f"coalesce({small} <= {large}, true) AS {small}_not_above_{large}"
            for small, large in NOT_ABOVE
        ),
        "coalesce(type1_over_12h_from_arrival <= type1_attendances - type1_within_4h, true) "
        "AS over_12h_not_above_over_4h",
        "coalesce(strftime(date, '%Y-%m') = period, true) AS date_inside_period",
    ]
    names = [r.rsplit(" AS ", 1)[1] for r in rules] + (passed_on.split(", ") if text else [])
    # Unpivoting only the rows that fail something keeps the common case (few errors) cheap.
    return f"""
        WITH parsed AS (SELECT {select} FROM frame),
        checked AS (SELECT row, {passed_on + ", " if passed_on else ""}{", ".join(rules)}
                    FROM parsed),
        failing AS (SELECT * FROM checked WHERE NOT ({" AND ".join(names)}))
        SELECT row, "check" FROM (
            UNPIVOT failing ON COLUMNS(* EXCLUDE (row)) INTO NAME "check" VALUE ok)
        WHERE NOT ok ORDER BY row, "check"
    """
