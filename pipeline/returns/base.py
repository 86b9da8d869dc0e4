"""What the pipeline knows about one kind of return, at one template version."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd
import pandera.pandas as pa

from schemas.rules import Rule


@dataclass(frozen=True)
class ReturnSpec:
    """A return type at one template version.

    ``columns`` (the schema's, in template order) are also its signature: a file is recognised as
    this return when its headers are exactly these names, in any order, less any of
    ``optional_columns`` it leaves out (read as blank).
    """

    return_type: str  # short id used in the ledger, CLI and folder names, e.g. "uec"
    title: str
    template_version: str
    model: type[pa.DataFrameModel]
    rules: Sequence[Rule]
    raw_table: str  # "raw.<name>": where validated rows are appended
    frequency: str  # "monthly" or "weekly"
    site_column: str | None = None  # checked against the trust's sites in reference data
    #: turns validated rows into the rows stored in ``raw_table`` (default: as they are)
    to_raw: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    template_rows: Callable[..., pd.DataFrame] | None = None  # pre-filled keys for a template
    notes: Sequence[str] = field(default_factory=tuple)  # shown on the template's instructions
    #: For returns too large for pandas (a PTL): ``fn(path, spec, context) -> Checked`` reads,
    #: checks and reduces a CSV in one go, its rows already in ``raw_table``'s form.
    bulk_check_and_reduce: Callable[..., Any] | None = None
    #: Drop-down lists of the template, by column: the values a cell may take (e.g. the metric
    #: ids of a long-form return), kept on a hidden sheet since a list may be long.
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: Checks that need what the file is checked against (the inbox's organisation, reference
    #: lists): ``fn(typed_rows, context) -> list[Problem]``, run with the common context checks.
    context_check: Callable[..., list] | None = None
    #: Columns a file may leave out, each then read as blank (e.g. a marker most rows never need).
    optional_columns: frozenset[str] = frozenset()

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        """The model's schema with the rules added; built once (a deep copy costs ~10 ms)."""
        from schemas.rules import schema_with_rules

        return schema_with_rules(self.model, self.rules)

    @cached_property
    def columns(self) -> list[str]:
        return list(self.model.to_schema().columns)

    def matches(self, headers: set[str]) -> bool:
        """Whether ``headers`` are this return's columns, optional ones left out or not."""
        expected = set(self.columns)
        return headers <= expected and expected - headers <= self.optional_columns

    def description(self, column: str) -> str:
        return self.model.to_schema().columns[column].description or ""
