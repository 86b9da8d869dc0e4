"""The programme return, template version 1: the ICB programme teams' figures in long form."""

from __future__ import annotations

import pandas as pd

from pipeline.returns.base import ReturnSpec
from pipeline.validation.problems import Problem
from schemas.programme import (
    CATALOGUE,
    CDC,
    MONTHLY,
    RULES,
    SYSTEM,
    TRUST,
    ProgrammeReturn,
    scope_kind,
)

ICB = "QYG"


def template_rows(org_code: str, period: str, sites: list[str]) -> pd.DataFrame:
    """A row ready for each monthly figure of the sender's own scope (the system for the ICB,
    the trust for a trust); daily, weekly and CDC rows are added by the team, a row a day or
    week."""
    kind = SYSTEM if org_code == ICB else TRUST
    metrics = [m.id for m in CATALOGUE.values() if m.frequency == MONTHLY and kind in m.scopes]
    return pd.DataFrame(
        {"org_code": org_code, "period": period, "metric": metrics, "scope": org_code}
    )


def to_raw(rows: pd.DataFrame) -> pd.DataFrame:
    """A monthly figure sent without a date is for the month's last day."""
    month_end = (
        pd.PeriodIndex(rows["period"], freq="M").end_time.normalize().astype("datetime64[s]")
    )
    return rows.assign(date=rows["date"].fillna(pd.Series(month_end, index=rows.index)))


def context_check(typed: pd.DataFrame, context) -> list[Problem]:
    """Scopes that are not known organisations or CDCs, and rows a trust sends for others."""
    problems = []
    trusts = set(context.sites)
    kinds = scope_kind(typed["scope"])
    sender = context.org_code
    for label, scope in typed["scope"].items():
        if pd.isna(scope):
            continue
        kind = kinds[label]
        if kind == TRUST and trusts and scope not in trusts:
            problems.append(
                Problem(
                    rule="is not a CMAST trust",
                    column="scope",
                    row=int(label),
                    value=scope,
                    hint=f"Use one of: {', '.join(sorted(trusts))}, or QYG for the system.",
                )
            )
        elif kind == CDC and context.cdc_sites and scope not in context.cdc_sites:
            problems.append(
                Problem(
                    rule="is not a community diagnostic centre of the ICB",
                    column="scope",
                    row=int(label),
                    value=scope,
                    hint=f"Use one of: {', '.join(sorted(context.cdc_sites))}.",
                )
            )
        elif sender != ICB and scope != sender and context.cdc_sites.get(scope) != sender:
            problems.append(
                Problem(
                    rule=f"A trust's programme return is for its own figures: {sender} cannot "
                    f"send figures for {scope}",
                    column="scope",
                    row=int(label),
                    value=scope,
                    hint=f"Give {sender}'s own code (or a CDC {sender} runs); the ICB's programme "
                    "team sends the system's figures and other trusts send their own.",
                )
            )
    return problems


def _catalogue_notes() -> tuple[str, ...]:
    words = {SYSTEM: "the system (QYG)", TRUST: "a trust", CDC: "a CDC site"}
    return tuple(
        f"{m.id}: {m.what}; {m.frequency}; for {' or '.join(words[k] for k in m.scopes)}; "
        f"{m.range_text}."
        for m in CATALOGUE.values()
    )


SPEC = ReturnSpec(
    return_type="programme",
    title="Programme",
    template_version="1",
    model=ProgrammeReturn,
    rules=RULES,
    raw_table="raw.programme",
    frequency="monthly",
    to_raw=to_raw,
    template_rows=template_rows,
    choices={"metric": tuple(CATALOGUE)},
    context_check=context_check,
    notes=(
        "One row per figure, scope and day. The ICB's programme teams send the system's and "
        "the CDCs' figures from inbox/QYG/; a trust may send its own rows from its own inbox.",
        "Daily figures (OPEL) need a row for each day; weekly ones (texts) a row for each "
        "week, dated the Sunday that ends it; monthly ones one row, the date left blank (the "
        "month's last day).",
        "A new file for the same month replaces the whole of the earlier one: send every row "
        "of the month each time.",
        *_catalogue_notes(),
    ),
)
