"""A daily return covers its whole month: every day, for every site it reports.

A partial export (20 of 31 days) is otherwise valid row by row, and would replace the full
return it follows with a month that silently counts fewer days. A day the site was closed is
given as a row marked closed, never left out, so a missing day always means missing data.
"""

from __future__ import annotations

import pandas as pd

from pipeline.validation.problems import Problem, number_spans

#: Sites named one by one; past these, the rest are counted (a junk file may have thousands).
LISTED_SITES = 100
_HINT = (
    "Send the whole month in one file: a row for every day of every site you report. "
    "Mark a day the site was closed with yes in site_closed and 0 in its counts."
)


def missing_days(typed: pd.DataFrame, site_column: str) -> list[Problem]:
    """One problem per site with days of the period's month absent from the file.

    Checked only when the file has one readable period and every row a readable site and
    date: otherwise the file is refused for that already, and what it covers is not known.
    """
    periods = typed["period"].dropna().unique()
    if len(periods) != 1:
        return []
    try:
        month = pd.Period(str(periods[0]), freq="M")
    except ValueError:
        return []
    if typed[[site_column, "date"]].isna().any(axis=None):
        # A date or site that could not be read is reported as such; which day it meant is
        # not known, so no day is called missing for it.
        return []
    days = pd.date_range(month.start_time, periods=month.days_in_month, freq="D")
    given = typed.loc[typed["date"].isin(days), [site_column, "date"]].drop_duplicates()
    # Only sites short of a day are looked at one by one (a large file has thousands of sites).
    counts = given[site_column].value_counts()
    short = given[given[site_column].isin(counts.index[counts < len(days)])]
    short = pd.concat(
        [short, typed.loc[~typed[site_column].isin(counts.index), [site_column, "date"]]]
    )
    problems: list[Problem] = []
    for site, dates in short.groupby(site_column, sort=True)["date"]:
        if len(problems) == LISTED_SITES:
            more = short[site_column].nunique() - LISTED_SITES
            problems.append(
                Problem(rule=f"{more:,} more sites have days missing", hint=_HINT, location="file")
            )
            break
        absent = days.difference(pd.DatetimeIndex(dates).normalize())
        if len(absent):
            count = f"{len(absent)} day{'s' if len(absent) != 1 else ''}"
            problems.append(
                Problem(
                    rule=f"site {site}: {count} missing: {day_ranges(absent)}",
                    hint=_HINT,
                    location="file",
                )
            )
    return problems


def day_ranges(days: pd.DatetimeIndex) -> str:
    """``21 to 31 October 2023``, or ``1, 3 to 5 and 9 October 2023``: days of one month."""
    parts = [f"{a} to {b}" if b > a else str(a) for a, b in number_spans(list(days.day))]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{listed} {days[0].strftime('%B %Y')}"
