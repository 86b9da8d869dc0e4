"""Keeping a report readable, and quick to write, however wrong a file is.

A file of junk under a return's header can break every rule in every cell: 20,000 rows make
hundreds of thousands of problems, and listing them all would take minutes to write into the
feedback workbook (holding the warehouse's writer lock meanwhile) and help nobody. Each rule
broken in a column lists its first ``EXAMPLES`` rows, then says how many more there are, as the
bulk PTL check does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pipeline.validation.problems import Problem

EXAMPLES = 100


def limited(problems: Iterable[Problem], examples: int = EXAMPLES) -> list[Problem]:
    """The first ``examples`` problems (by row) of each rule in each column, and a count of
    the rest."""
    groups: dict[tuple[str, str | None], list[Problem]] = defaultdict(list)
    for problem in problems:
        groups[(problem.rule, problem.column)].append(problem)
    kept: list[Problem] = []
    for (rule, column), group in groups.items():
        if len(group) <= examples:
            kept += group
            continue
        group.sort(key=Problem.sort_key)
        kept += group[:examples]
        more = len(group) - examples
        kept.append(
            Problem(
                rule=f"{rule}: {more:,} more rows like the ones listed ({len(group):,} in all)",
                column=column,
                hint="Fix them all the same way; only the first rows are listed.",
            )
        )
    return kept
