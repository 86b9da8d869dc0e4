"""Checking a received file from end to end: read, recognise, parse, pandera, then the context.

Every problem in the file is collected before answering (pandera runs lazily), so a trust gets
the whole list at once rather than one error per resubmission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from pipeline.returns.base import ReturnSpec
from pipeline.returns.registry import identify
from pipeline.spreadsheet.header import MIN_MATCHED, header_score
from pipeline.spreadsheet.read import RawTable, read_table
from pipeline.validation import identifiers, personal
from pipeline.validation.bulk import bulk_spec
from pipeline.validation.limit import limited
from pipeline.validation.pandera_report import REPEAT_RULE, problems_from_failures
from pipeline.validation.parse import parse_frame
from pipeline.validation.problems import WITHHELD, FileProblem, Layout, Problem
from pipeline.validation.totals import totals_rows

#: Past this many cells that do not parse, and half the file, the file is taken for junk.
UNREADABLE_CELLS = 1000


@dataclass(frozen=True)
class Context:
    """What a file is checked against besides its own content."""

    org_code: str  # the trust whose inbox folder the file was dropped in
    sites: Mapping[str, frozenset[str]] = field(default_factory=dict)  # org -> its site codes
    #: Community diagnostic centre codes -> the trust that hosts each (reference data)
    cdc_sites: Mapping[str, str] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class Checked:
    """The outcome of checking a file: typed rows when valid, and every problem found."""

    problems: list[Problem]
    spec: ReturnSpec | None = None
    rows: pd.DataFrame | None = None
    period: str | None = None
    layout: Layout | None = None
    in_raw_form: bool = False  # rows already shaped for the raw table (reduced in bulk)

    @property
    def valid(self) -> bool:
        return not self.problems and self.rows is not None

    @property
    def template_version(self) -> str | None:
        return self.spec.template_version if self.spec else None

    def accepted(self) -> tuple[ReturnSpec, pd.DataFrame, str]:
        """The return, rows and period of a valid check, each of which it always has."""
        if self.problems or self.spec is None or self.rows is None or self.period is None:
            raise ValueError("only a valid check has rows to load")
        return self.spec, self.rows, self.period

    def raw_rows(self) -> pd.DataFrame:
        """A valid check's rows shaped for its raw table (a bulk check reduced them already)."""
        spec, rows, _ = self.accepted()
        return rows if self.in_raw_form or spec.to_raw is None else spec.to_raw(rows)


def check_file(path: Path, context: Context) -> Checked:
    try:
        bulk = bulk_spec(path)  # a CSV too large for pandas (a PTL) is checked in DuckDB
        if bulk is not None and bulk.bulk_check_and_reduce is not None:
            return bulk.bulk_check_and_reduce(path, bulk, context)
        table = read_table(path)
        spec = _identify(table)
    except FileProblem as problem:
        # A "header row" may really be a row of data: never echo what could identify a patient.
        return Checked(problems=identifiers.withhold_identifiers(problem.problems))
    return check_table(table, spec, context)


def _identify(table: RawTable) -> ReturnSpec:
    """The return the header names, refusing headers that name patient identifiers or leave a
    column of values unnamed (with what is wrong with the header otherwise, all at once)."""
    problems = personal.header_problems(table.layout.columns, table.layout)
    if header_score(table.layout.columns) >= MIN_MATCHED:
        # Unnamed columns matter only in what is recognisably a return's table; in anything
        # else the header mismatch alone says what is wrong.
        problems = [*table.header_problems, *problems]
    try:
        spec = identify(list(table.layout.columns))
    except FileProblem as problem:
        raise FileProblem([*problems, *problem.problems]) from None
    if problems:
        raise FileProblem(problems)
    return spec


def check_table(table: RawTable, spec: ReturnSpec, context: Context) -> Checked:
    layout = table.layout
    left_out = [c for c in spec.columns if c not in table.frame.columns]
    if left_out:  # optional columns the file leaves out (identify allowed only those) are blank
        table = replace(
            table,
            frame=table.frame.assign(
                **{c: pd.Series(pd.NA, index=table.frame.index, dtype="string") for c in left_out}
            ),
        )
    if table.frame.empty:
        return Checked(
            problems=[
                Problem(
                    rule="The file has a header row but no data rows",
                    hint="Fill in the rows and send it again.",
                )
            ],
            spec=spec,
            layout=layout,
        )
    schema = spec.schema
    typed, problems = parse_frame(table.frame, schema)
    typed = typed[spec.columns]
    unparsed = {(p.column, p.row) for p in problems}
    rows = None
    if len(problems) > UNREADABLE_CELLS and 2 * len(problems) > typed.size:
        # Mostly junk under a return's header: checking rules on blanks would only multiply
        # the report (and take minutes). What could not be read is what needs fixing first.
        problems.append(
            Problem(
                rule=f"{len(problems):,} of the {typed.size:,} cells could not be read as their "
                "column's kind, so the return's other rules were not checked",
                hint="Check this is the right file, and that each column holds what its header "
                "says (the template's columns, with a row per line).",
            )
        )
    else:
        try:
            rows = schema.validate(typed, lazy=True)
        except pa.errors.SchemaErrors as errors:
            # A cell that did not parse is blank to pandera: it was reported once already, and
            # is not also judged by the rules on its value (one message per cell).
            cases = _not_reported(errors.failure_cases, unparsed)
            found = problems_from_failures(cases, schema, spec.rules)
            problems += _first_of_repeats_kept(
                [p for p in found if (p.column, p.row) not in unparsed],
                typed,
                list(schema.unique or []),
            )
    # One message per cell: a cell that did not parse (29 February 2023, "104+") is not also
    # judged by the rules on its value, which it does not have.
    problems += [
        p for p in context_problems(typed, spec, context) if (p.column, p.row) not in unparsed
    ]
    period = _single_period(typed)
    totals = totals_rows(table.frame, typed, schema)
    if totals:  # one problem for the row, not one per cell a totals row breaks
        problems = [p for p in problems if p.row not in totals] + list(totals.values())
    problems = limited(problems)  # a junk file's report lists examples, not every cell
    found = personal.value_problems(table.frame, typed, spec, _year(period, context))
    problems = identifiers.withhold_identifiers([*problems, *found], [p.column for p in found])
    problems = identifiers.screen(table.frame, problems)  # NHS numbers: refused, never echoed
    problems = sorted({p.located(layout) for p in problems}, key=Problem.sort_key)
    problems = with_line_keys(problems, table.frame, spec, layout, unsafe={p.column for p in found})
    return Checked(
        problems=problems, spec=spec, rows=None if problems else rows, period=period, layout=layout
    )


def _first_of_repeats_kept(
    problems: list[Problem], typed: pd.DataFrame, key: list[str]
) -> list[Problem]:
    """Pandera flags every row of a repeated key; the first of them is the row given, and only
    the later ones repeat it."""
    flagged = sorted(
        {p.row for p in problems if p.row is not None and p.rule.startswith(REPEAT_RULE)}
    )
    if not key or not flagged:
        return problems
    later = set(typed.loc[flagged, key].duplicated(keep="first").loc[lambda s: s].index)
    return [
        p
        for p in problems
        if not (p.rule.startswith(REPEAT_RULE) and p.row is not None and p.row not in later)
    ]


#: A return's rows are told apart by these columns where its schema declares none unique.
_LINE_KEYS: dict[str, tuple[str, ...]] = {"dm01": ("test", "measure", "weeks_waited")}


def line_key_columns(spec: ReturnSpec) -> tuple[str, ...]:
    """The columns that say which line of a return is which (site and date, session, test);
    none for a patient-level list, whose key would identify a patient."""
    unique = getattr(getattr(spec.model, "Config", None), "unique", None)
    return tuple(unique or _LINE_KEYS.get(spec.return_type, ()))


def with_line_keys(
    problems: list[Problem],
    frame: pd.DataFrame,
    spec: ReturnSpec,
    layout: Layout | None,
    unsafe: Collection[str | None] = frozenset(),
) -> list[Problem]:
    """In a CSV (no cell letters), "line 5" becomes "line 5 (RJR05, 2023-10-02)": the line's
    key as the trust wrote it, so it can be found in the trust's own system. A key column in
    which anything may identify a patient (``unsafe``: personal values found; an NHS number;
    a value withheld) is never echoed."""
    withheld = {p.column for p in problems if p.value == WITHHELD or "NHS number" in p.rule} | set(
        unsafe
    )
    columns = [
        c
        for c in line_key_columns(spec)
        if c in frame.columns
        and c not in withheld
        and not identifiers.looks_like_nhs_number(frame[c].astype("string")).any()
    ]
    if layout is None or layout.sheet is not None or not columns:
        return problems
    keyed = []
    for problem in problems:
        if (
            problem.row is not None
            and 0 <= problem.row < len(frame)
            and problem.location.startswith("line ")
        ):
            values = [
                str(v)
                for v in frame.iloc[problem.row][columns]
                if not pd.isna(v) and str(v).strip()
            ]
            if values:
                problem = replace(problem, line_key=", ".join(values))
        keyed.append(problem)
    return keyed


def _not_reported(
    cases: pd.DataFrame, unparsed: set[tuple[str | None, int | None]]
) -> pd.DataFrame:
    """Pandera's failure cases less those already reported: blanks where a cell did not
    parse, and failed type coercions (the parser reported those cells). Done before the
    cases become problems one by one, which costs far more for a badly broken file."""
    check = cases["check"].astype(str)
    coercion = check.str.startswith(("dtype(", "coerce_dtype("))
    blank = check.eq("not_nullable")
    if unparsed and blank.any():
        pairs = zip(cases.loc[blank, "column"], cases.loc[blank, "index"], strict=True)
        reported = [pd.notna(i) and (c, int(i)) in unparsed for c, i in pairs]
        blank.loc[blank] = reported
    else:
        blank[:] = False
    return cases.loc[~(coercion | blank)]


def _year(period: str | None, context: Context) -> int:
    """The year of the period (2023 for 2023-10, 2023-10-29 or 2023-24), else this year."""
    if period and period[:4].isdigit():
        return int(period[:4])
    return context.today.year


def _single_period(typed: pd.DataFrame) -> str | None:
    periods = typed["period"].dropna().unique()
    return str(periods[0]) if len(periods) == 1 else None


def context_problems(typed: pd.DataFrame, spec: ReturnSpec, context: Context) -> list[Problem]:
    problems = _org_problems(typed["org_code"], context.org_code)
    periods = sorted(typed["period"].dropna().unique())
    if len(periods) > 1:
        problems.append(
            Problem(
                rule=f"The file covers more than one period ({', '.join(map(str, periods))})",
                column="period",
                hint="Send one file per period.",
            )
        )
    this_month = context.today.strftime("%Y-%m")
    # A weekly period is a snapshot date (YYYY-MM-DD): in the future once it is after today.
    latest = context.today.isoformat() if spec.frequency == "weekly" else this_month
    future = typed["period"].notna() & (_first_month_sent(typed["period"], spec) > latest)
    if future.any():
        first = future.idxmax()
        problems.append(
            Problem(
                rule="The period is in the future",
                column="period",
                row=int(first),
                value=str(typed.at[first, "period"]),
                hint="Check the period: returns are sent after the period ends.",
            )
        )
    if spec.site_column and context.org_code in context.sites:
        known = context.sites[context.org_code]
        sites = typed[spec.site_column]
        unknown = sites.notna() & ~sites.isin(known)
        for label in sites.index[unknown.to_numpy(dtype=bool)]:
            problems.append(
                Problem(
                    rule=f"is not a site of {context.org_code}",
                    column=spec.site_column,
                    row=int(label),
                    value=str(sites.loc[label]),
                    hint=f"Use one of: {', '.join(sorted(known))}.",
                )
            )
    if spec.context_check is not None:
        problems += spec.context_check(typed, context)
    return problems


def _first_month_sent(periods: pd.Series, spec: ReturnSpec) -> pd.Series:
    """The earliest month a file for each period can arrive in: the period itself, or for a
    yearly file (a financial year, 2023-24) the April a year before the year starts, since
    plans for a year are agreed before it begins."""
    if spec.frequency != "yearly":
        return periods
    before = pd.to_numeric(periods.str.slice(0, 4), errors="coerce").astype("Int64") - 1
    return before.astype("string") + "-04"


def _org_problems(codes: pd.Series, folder_org: str) -> list[Problem]:
    wrong = codes.notna() & (codes != folder_org)
    if not wrong.any():
        return []
    if wrong.all():
        others = ", ".join(sorted(codes.dropna().unique()))
        return [
            Problem(
                rule=f"The file is for {others} but was sent through the inbox of {folder_org}",
                column="org_code",
                value=others,
                hint=f"A trust can only submit its own returns: put {folder_org}'s own data in "
                "this "
                "folder, or drop the file in the right trust's folder if you send for it.",
            )
        ]
    return [
        Problem(
            rule=f"must be {folder_org}, the trust whose inbox this is",
            column="org_code",
            row=int(label),
            value=str(codes.loc[label]),
            hint="Every row must carry your own trust's code.",
        )
        for label in codes.index[wrong.to_numpy(dtype=bool)]
    ]
