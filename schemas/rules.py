"""Cross-column rules, declared beside each model.

A rule is a row-wise check (``fn(df) -> bool Series``, True where the row is fine) with the
column its error points at and a sentence a trust analyst can act on. Declaring rules as data,
one check per comparison, lets the error report name the exact cell that is wrong, which a
single pandera check over several columns cannot.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa


@dataclass(frozen=True)
class Rule:
    name: str
    column: str  # the cell the report points at
    message: str  # the rule, in plain English
    fn: Callable[[pd.DataFrame], pd.Series]
    hint: str = ""  # what to do about it

    def check(self) -> pa.Check:
        # Rows with a blank in any compared cell are reported as blanks by the column checks,
        # so they pass here rather than being reported twice.
        return pa.Check(lambda df: self.fn(df).fillna(True).astype(bool), name=self.name)


def not_above(smaller: str, larger: str, message: str, hint: str = "") -> Rule:
    return Rule(
        name=f"{smaller}_not_above_{larger}",
        column=smaller,
        message=message,
        fn=lambda df: df[smaller] <= df[larger],
        hint=hint,
    )


def schema_with_rules(model: type[pa.DataFrameModel], rules: Sequence[Rule]) -> pa.DataFrameSchema:
    """The model's schema with each rule added as a dataframe-level check."""
    schema = copy.deepcopy(model.to_schema())
    schema.checks = [*schema.checks, *(rule.check() for rule in rules)]
    return schema
