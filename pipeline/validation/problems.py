"""A problem found in a file, and where it is, in terms a trust analyst can act on."""

from __future__ import annotations

from dataclasses import dataclass, replace

from openpyxl.utils import get_column_letter

#: Shown instead of a value that may identify a patient: reports never echo such values.
WITHHELD = "(withheld: may identify a patient)"


@dataclass(frozen=True)
class Layout:
    """Where a table sat in the file: its sheet (None for CSV), header row and column positions."""

    sheet: str | None
    header_row: int  # 1-based row (Excel) or line (CSV) of the header
    columns: tuple[str, ...]  # names as normalised, in the file's order ("" where unnamed)
    first_column: int = 1  # 1-based sheet column of the first of ``columns`` (A = 1)

    def row_number(self, data_index: int) -> int:
        return self.header_row + 1 + data_index

    def cell(self, column: str | None, data_index: int | None) -> str:
        """``Data!E7`` for a workbook, ``line 7`` for CSV, or the best partial reference."""
        position = (
            self.columns.index(column) + self.first_column if column in self.columns else None
        )
        if self.sheet is None:
            return f"line {self.row_number(data_index)}" if data_index is not None else "header"
        if data_index is None:
            if position is None:
                return f"{self.sheet}!{self.header_row}:{self.header_row}"
            return f"{self.sheet}!{get_column_letter(position)}{self.header_row}"
        if position is None:
            return f"{self.sheet}!{self.row_number(data_index)}:{self.row_number(data_index)}"
        return f"{self.sheet}!{get_column_letter(position)}{self.row_number(data_index)}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file. ``row`` is the 0-based data row, None for the whole file."""

    rule: str
    column: str | None = None
    row: int | None = None
    value: str | None = None
    hint: str = ""
    location: str = ""
    #: For a CSV line, the values that say which line it is ("RJR05, 2023-10-02").
    line_key: str = ""

    def located(self, layout: Layout | None) -> Problem:
        if layout is None or self.location:
            return self
        return replace(self, location=layout.cell(self.column, self.row))

    def sort_key(self) -> tuple[int, str, str]:
        return (-1 if self.row is None else self.row, self.column or "", self.rule)

    def as_line(self) -> str:
        where = (self.location or "file") + (f" ({self.line_key})" if self.line_key else "")
        column = f" [{self.column}]" if self.column else ""
        found = f" (found: {self.value!s})" if self.value not in (None, "") else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{where}{column}: {self.rule}{found}.{hint}"


class FileProblem(Exception):
    """A file that cannot be taken further, with the problems that say why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.as_line() for p in problems[:3]))


def number_spans(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted whole numbers as runs of consecutive ones: ``[2, 3, 4, 9]`` -> ``[(2, 4), (9, 9)]``
    (a repeated number joins its run)."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        elif not spans or n != spans[-1][1]:
            spans.append([n, n])
    return [(a, b) for a, b in spans]


def file_problem(rule: str, hint: str = "") -> FileProblem:
    return FileProblem([Problem(rule=rule, hint=hint)])
