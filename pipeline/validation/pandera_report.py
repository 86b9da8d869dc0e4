"""Pandera's failure cases, regrouped into one :class:`Problem` per wrong cell.

Pandera reports a failing dataframe-level check once per column per failing row; a person wants
one line per wrong cell, so rule failures are keyed by (rule, row) and pointed at the rule's column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
import pandera.pandas as pa

from pipeline.validation.problems import Problem
from schemas.fields import TIME_ONLY_DATE
from schemas.rules import Rule

#: The rule of a row whose key an earlier row already gave (only the later rows are flagged).
REPEAT_RULE = "repeats a row already given for the same key"

_PLAIN_CHECKS: list[tuple[str, str, str]] = [
    (r"^greater_than_or_equal_to\(0\)$", "must be 0 or more", "Counts cannot be negative."),
    (r"^not_nullable$", "must not be blank", "Fill every cell; type 0 where there were none."),
    (r"^str_matches\(.*\)$", "is not in the expected form", "See the example in the template."),
    (r"^isin\(.*\)$", "is not one of the allowed values", "Pick a value from the drop-down."),
    (
        r"^multiple_fields_uniqueness$",
        REPEAT_RULE,
        "Send each key once: merge or remove the repeated rows.",
    ),
    (r"^field_uniqueness$", "must be unique within the file", "Remove the repeated values."),
]


def _plain(check: str) -> tuple[str, str]:
    for pattern, rule, hint in _PLAIN_CHECKS:
        if re.match(pattern, check):
            return rule, hint
    return f"fails the check {check}", ""


def problems_from_failures(
    failures: pd.DataFrame, schema: pa.DataFrameSchema, rules: Sequence[Rule]
) -> list[Problem]:
    by_name = {rule.name: rule for rule in rules}
    unique_key = list(schema.unique or [])
    problems: dict[tuple, Problem] = {}
    for case in failures.itertuples(index=False):
        check = str(case.check)
        row = None if pd.isna(case.index) else int(case.index)
        if check in by_name:
            rule = by_name[check]
            key = (rule.name, row)
            if key not in problems:
                problems[key] = Problem(
                    rule=rule.message, column=rule.column, row=row, hint=rule.hint
                )
            if case.column == rule.column:
                problems[key] = Problem(
                    rule=rule.message,
                    column=rule.column,
                    row=row,
                    value=_text(case.failure_case),
                    hint=rule.hint,
                )
            continue
        if check == "multiple_fields_uniqueness":
            # One problem per repeated row, pointing at the first key column.
            key = (check, row)
            if key not in problems and unique_key:
                message, hint = _plain(check)
                problems[key] = Problem(
                    rule=f"{message} ({', '.join(unique_key)})",
                    column=unique_key[0],
                    row=row,
                    hint=hint,
                )
            continue
        if check.startswith("dtype(") or check.startswith("coerce_dtype("):
            continue  # cells that did not parse were already reported by the parser
        if check == "column_in_dataframe" or check == "column_in_schema":
            continue  # header problems are found before validation
        message, hint = _plain(check)
        column = None if pd.isna(case.column) else str(case.column)
        problems[(check, column, row)] = Problem(
            rule=message, column=column, row=row, value=_text(case.failure_case), hint=hint
        )
    return list(problems.values())


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        if value.normalize() == pd.Timestamp(TIME_ONLY_DATE):
            return value.strftime("%H:%M")  # a time typed alone, without a date
        return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M")
    return str(value)
