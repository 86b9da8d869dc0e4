"""Disclosure control on hand-built tables: no ``*`` can be worked back out of what is published.

Each table is tried the way a reader would try it: every published sum (a column with its total
row, a row's whole with its parts) with exactly one unknown cell gives that cell by subtraction,
and each cell so found is used again, until nothing more comes out. On top of that, an exact
check by fractions (not the library's own) asks whether any combination of the sums pins a
suppressed cell down. Both must find nothing.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.metrics.suppression import (
    SUPPRESSED,
    determined_cells,
    is_small,
    published_count,
    small_cells,
    suppress_table,
    suppression_mask,
)

# --- a reader's attack ----------------------------------------------------------------------


def published_lines(table, total_row, row_wholes, additive):
    """Each published sum as (whole cell, part cells)."""
    lines = []
    if total_row is not None:
        others = [r for r in table.index if r != total_row]
        lines += [((total_row, c), [(r, c) for r in others]) for c in additive]
    for whole, parts in (row_wholes or {}).items():
        lines += [((r, whole), [(r, p) for p in parts]) for r in table.index]
    return lines


def recover_by_subtraction(published, lines):
    """Cells a reader works out from the published table, one subtraction at a time."""
    known = {
        (r, c): Fraction(str(published.at[r, c]))
        for r in published.index
        for c in published.columns
        if published.at[r, c] != SUPPRESSED
    }
    found = {}
    progress = True
    while progress:
        progress = False
        for whole, parts in lines:
            unknown = [c for c in [whole, *parts] if c not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            if cell == whole:
                value = sum(known[p] for p in parts)
            else:
                value = known[whole] - sum(known[p] for p in parts if p != cell)
            known[cell] = found[cell] = value
            progress = True
    return found


def pinned_down_by_any_combination(published, lines):
    """Suppressed cells that some combination of the sums fixes: exact row reduction by
    fractions of the sums' coefficients on the suppressed cells."""
    hidden = [
        (r, c)
        for r in published.index
        for c in published.columns
        if published.at[r, c] == SUPPRESSED
    ]
    where = {cell: i for i, cell in enumerate(hidden)}
    rows = []
    for whole, parts in lines:
        row = [Fraction(0)] * len(hidden)
        if whole in where:
            row[where[whole]] -= 1
        for p in parts:
            if p in where:
                row[where[p]] += 1
        if any(row):
            rows.append(row)
    # Reduced row echelon form: a cell is fixed when its column is a pivot whose row has no
    # other non-zero entry (that row then reads "this cell = a published number").
    pivots = []
    r = 0
    for col in range(len(hidden)):
        pick = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pick is None:
            continue
        rows[r], rows[pick] = rows[pick], rows[r]
        lead = rows[r][col]
        rows[r] = [x / lead for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append((r, col))
        r += 1
    return {
        hidden[col]
        for row, col in pivots
        if all(x == 0 for j, x in enumerate(rows[row]) if j != col)
    }


def assert_nothing_recoverable(published, *, additive, total_row=None, row_wholes=None):
    lines = published_lines(published, total_row, row_wholes, additive)
    assert recover_by_subtraction(published, lines) == {}
    assert pinned_down_by_any_combination(published, lines) == set()


def stars(published):
    return {
        (r, c)
        for r in published.index
        for c in published.columns
        if published.at[r, c] == SUPPRESSED
    }


# --- the issue's case -----------------------------------------------------------------------

# Four trusts' 78-week waits and the system total: LWH has 2, the others 397 between them.
WAITS_78 = pd.DataFrame(
    {"waits_78": [2, 12, 150, 235, 399]},
    index=["LWH", "RBL", "RBN", "REM", "CMAST"],
)


def test_the_issue_case_could_be_undone_one_cell_at_a_time():
    # What the briefing did: each cell on its own. 399 - (12 + 150 + 235) = 2.
    naive = WAITS_78.map(published_count)
    assert stars(naive) == {("LWH", "waits_78")}
    lines = published_lines(naive, "CMAST", None, ["waits_78"])
    assert recover_by_subtraction(naive, lines) == {("LWH", "waits_78"): 2}


def test_the_issue_case_suppresses_the_next_smallest_cell_too():
    published = suppress_table(WAITS_78, additive_columns={"waits_78"}, total_row="CMAST")
    # RBL's 12 is the next smallest non-zero cell of the column.
    assert stars(published) == {("LWH", "waits_78"), ("RBL", "waits_78")}
    assert list(published["waits_78"]) == [SUPPRESSED, SUPPRESSED, 150, 235, 399]
    assert_nothing_recoverable(published, additive=["waits_78"], total_row="CMAST")


def test_zero_is_shown_and_is_never_the_complement():
    table = pd.DataFrame({"n": [3, 0, 40, 90, 133]}, index=["A", "B", "C", "D", "T"])
    published = suppress_table(table, additive_columns={"n"}, total_row="T")
    # 0 stays shown; the complement is 40, the smallest non-zero cell left.
    assert list(published["n"]) == [SUPPRESSED, 0, SUPPRESSED, 90, 133]
    assert_nothing_recoverable(published, additive=["n"], total_row="T")


def test_with_no_other_cell_the_total_is_suppressed():
    # One trust and its total: whatever hides the trust's 12 must hide the total, 12 too.
    table = pd.DataFrame({"n": [12, 12]}, index=["A", "T"])
    hide = pd.DataFrame({"n": [True, False]}, index=["A", "T"])
    published = suppress_table(table, additive_columns={"n"}, total_row="T", also_suppress=hide)
    assert list(published["n"]) == [SUPPRESSED, SUPPRESSED]
    # Zeros only beside the hidden cell: the total goes, not a zero.
    table = pd.DataFrame({"n": [5, 0, 0, 5]}, index=["A", "B", "C", "T"])
    published = suppress_table(table, additive_columns={"n"}, total_row="T")
    assert list(published["n"]) == [SUPPRESSED, 0, 0, SUPPRESSED]


# --- a row's whole and its parts ------------------------------------------------------------

COHORT = pd.DataFrame(
    {
        "admitted": [3, 40, 120, 163],
        "non_admitted": [30, 60, 200, 290],
        "remaining": [33, 100, 320, 453],
        "pct_admitted": [3 / 33 * 100, 40.0, 37.5, 163 / 453 * 100],
    },
    index=["LWH", "RBL", "RBN", "CMAST"],
)
WHOLES = {"remaining": ["admitted", "non_admitted"]}
ADDITIVE = {"admitted", "non_admitted", "remaining"}


def test_a_row_whole_and_a_column_total_both_hide_their_small_cell():
    published = suppress_table(
        COHORT[list(ADDITIVE)], additive_columns=ADDITIVE, total_row="CMAST", row_wholes=WHOLES
    )
    # LWH's 3 admitted: its row (33 = 3 + 30) hides 30, the next smallest part; the admitted
    # column (163 = 3 + 40 + 120) hides 40; the non-admitted column (290 = 30 + 60 + 200) then
    # has one hidden cell and hides 60; RBL's row (100 = 40 + 60) now holds two. Nothing is
    # left with a single unknown.
    assert stars(published) == {
        ("LWH", "admitted"),
        ("LWH", "non_admitted"),
        ("RBL", "admitted"),
        ("RBL", "non_admitted"),
    }
    assert_nothing_recoverable(published, additive=ADDITIVE, total_row="CMAST", row_wholes=WHOLES)


def test_percentages_are_never_used_to_recover_but_follow_their_counts():
    # The existing rule for a percentage: hidden when its numerator or denominator is small.
    hide = pd.DataFrame(False, index=COHORT.index, columns=COHORT.columns)
    hide["pct_admitted"] = small_cells(COHORT["admitted"], COHORT["remaining"])
    assert list(hide["pct_admitted"]) == [True, False, False, False]
    mask = suppression_mask(
        COHORT,
        additive_columns=ADDITIVE,
        total_row="CMAST",
        row_wholes=WHOLES,
        also_suppress=hide,
        derived={"pct_admitted": ["admitted", "remaining"]},
    )
    # LWH's percentage rests on 3 patients; RBL's 40.0% with its shown 100 would give the
    # hidden 40 back, so it goes with its count. RBN's and the system's stay.
    assert list(mask["pct_admitted"]) == [True, True, False, False]
    # The percentage column never takes part in the sums: 40.0 is not a count of 1 to 7 and is
    # not a complement, whatever its size.
    small_pct = COHORT.assign(pct_admitted=[5.0, 6.0, 7.0, 4.0])
    mask = suppression_mask(
        small_pct, additive_columns=ADDITIVE, total_row="CMAST", row_wholes=WHOLES
    )
    assert list(mask["pct_admitted"]) == [False] * 4


def test_two_small_cells_in_a_table_with_row_wholes_and_a_total_row():
    # A's p1 (2) and B's p2 (3) sit in different rows and columns: each row, each column and
    # the total row's own whole must be covered, and both attacks must fail.
    table = pd.DataFrame(
        {"p1": [2, 50, 52], "p2": [40, 3, 43], "whole": [42, 53, 95]}, index=["A", "B", "T"]
    )
    wholes = {"whole": ["p1", "p2"]}
    published = suppress_table(
        table, additive_columns={"p1", "p2", "whole"}, total_row="T", row_wholes=wholes
    )
    assert ("A", "p1") in stars(published) and ("B", "p2") in stars(published)
    assert_nothing_recoverable(
        published, additive=["p1", "p2", "whole"], total_row="T", row_wholes=wholes
    )


def test_determined_cells_sees_a_combination_that_no_single_line_gives():
    # Row A: wA = a1 + a2; row B: wB = b1 + b2; column 1: t1 = a1 + b1. Hide a1, a2, b1, wB:
    # each line holds two hidden cells, yet column 2 (t2 = a2 + b2, b2 shown) gives a2, then
    # row A gives a1 and so on. The check must see that a2 is determined.
    lines = [
        (("A", "w"), ("A", "1"), ("A", "2")),
        (("B", "w"), ("B", "1"), ("B", "2")),
        (("T", "1"), ("A", "1"), ("B", "1")),
        (("T", "2"), ("A", "2"), ("B", "2")),
    ]
    hidden = {("A", "1"), ("A", "2"), ("B", "1"), ("B", "w")}
    assert ("A", "2") in determined_cells(lines, hidden)
    # A 2 x 2 block hidden in a table with both sums: none of the four is fixed.
    block = {("A", "1"), ("A", "2"), ("B", "1"), ("B", "2")}
    assert determined_cells(lines, block) == set()


def test_the_readers_exact_check_finds_what_subtraction_alone_misses():
    # The same shape as a published table: rows A and B with parts 1, 2 and whole w, and a
    # total row T. Hidden: A's 1 and 2, B's 1 and B's whole. No line has one hidden cell in
    # row A, row B or column 1, but column 2 (T2 = A2 + B2) does, and the exact check, which
    # works on all the sums at once, finds A2 as well.
    published = pd.DataFrame(
        {"1": [SUPPRESSED, SUPPRESSED, 12], "2": [SUPPRESSED, 20, 50], "w": [40, SUPPRESSED, 62]},
        index=["A", "B", "T"],
    )
    lines = published_lines(published, "T", {"w": ["1", "2"]}, ["1", "2", "w"])
    assert recover_by_subtraction(published, lines)[("A", "2")] == 30
    assert ("A", "2") in pinned_down_by_any_combination(published, lines)


# --- the rules of the inputs ----------------------------------------------------------------


def test_without_published_sums_only_small_counts_are_hidden():
    table = pd.DataFrame({"n": [0, 1, 7, 8, None]}, index=list("abcde"))
    published = suppress_table(table, additive_columns={"n"})
    assert list(published["n"][:4]) == [0, SUPPRESSED, SUPPRESSED, 8]
    assert pd.isna(published["n"]["e"])
    assert [published_count(v) for v in table["n"][:4]] == list(published["n"][:4])


def test_missing_values_add_nothing_and_are_never_hidden():
    # B did not submit: the total is A + C. A's 4 is hidden and C's 50 with it.
    table = pd.DataFrame({"n": [4, None, 50, 54]}, index=["A", "B", "C", "T"])
    published = suppress_table(table, additive_columns={"n"}, total_row="T")
    assert published["n"]["A"] == published["n"]["C"] == SUPPRESSED
    assert pd.isna(published["n"]["B"]) and published["n"]["T"] == 54


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"additive_columns": {"absent"}}, "additive columns not in the table"),
        ({"additive_columns": {"n"}, "total_row": "Z"}, "total row Z is not in the table"),
        ({"additive_columns": {"n"}, "row_wholes": {"n": ["label"]}}, "must be additive"),
        ({"additive_columns": {"n", "label"}}, "not numbers"),
        ({"additive_columns": {"n"}, "derived": {"pct": ["n"]}}, "derived columns not in"),
        ({"additive_columns": {"n"}, "derived": {"n": ["n"]}}, "must not be additive"),
    ],
)
def test_settings_that_do_not_fit_the_table_are_refused(kwargs, message):
    table = pd.DataFrame({"n": [1, 2], "label": ["x", "y"]}, index=["A", "T"])
    with pytest.raises(ValueError, match=message):
        suppress_table(table, **kwargs)


def test_the_helpers_of_one_figure_are_unchanged():
    assert [is_small(v) for v in (None, float("nan"), 0, 1, 7, 7.5, 8)] == [
        False,
        False,
        False,
        True,
        True,
        True,
        False,
    ]
    assert published_count(3) == SUPPRESSED and published_count(0) == 0


# --- properties on random tables ------------------------------------------------------------

counts = st.one_of(
    st.just(0), st.integers(min_value=1, max_value=7), st.integers(min_value=8, max_value=400)
)


@st.composite
def tables(draw):
    """A table of trusts with 1 to 3 part columns, their whole, a system total row and a
    percentage of the first part."""
    n_trusts = draw(st.integers(min_value=1, max_value=6))
    n_parts = draw(st.integers(min_value=1, max_value=3))
    parts = [f"p{i}" for i in range(n_parts)]
    rows = {f"T{t}": {p: draw(counts) for p in parts} for t in range(n_trusts)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["whole"] = table[parts].sum(axis=1)
    table.loc["SYSTEM"] = table.sum()
    table = table.astype(int)
    with_whole = draw(st.booleans())
    table["pct"] = (table["p0"] / table["whole"].where(table["whole"] > 0) * 100).fillna(0.0)
    return table, parts, with_whole


@settings(max_examples=150, deadline=None)
@given(tables())
def test_no_suppressed_cell_can_be_recovered(drawn):
    table, parts, with_whole = drawn
    additive = [*parts, "whole"]
    wholes = {"whole": parts} if with_whole else None
    hide = pd.DataFrame(False, index=table.index, columns=table.columns)
    hide["pct"] = table["p0"].map(is_small) | table["whole"].map(is_small)
    published = suppress_table(
        table,
        additive_columns=additive,
        total_row="SYSTEM",
        row_wholes=wholes,
        also_suppress=hide,
        derived={"pct": ["p0", "whole"]},
    )
    hidden = stars(published)
    # Every count of 1 to 7 is hidden; every shown cell is the exact value.
    for r in table.index:
        for c in additive:
            if is_small(table.at[r, c]):
                assert (r, c) in hidden
        for c in table.columns:
            if (r, c) not in hidden:
                assert published.at[r, c] == table.at[r, c]
        # The percentage goes with a small or hidden count behind it.
        if hide.at[r, "pct"] or (r, "p0") in hidden or (r, "whole") in hidden:
            assert (r, "pct") in hidden
    assert_nothing_recoverable(
        published[additive], additive=additive, total_row="SYSTEM", row_wholes=wholes
    )
    # The same table gives the same answer.
    again = suppress_table(
        table,
        additive_columns=additive,
        total_row="SYSTEM",
        row_wholes=wholes,
        also_suppress=hide,
        derived={"pct": ["p0", "whole"]},
    )
    assert stars(again) == hidden


@settings(max_examples=60, deadline=None)
@given(st.lists(counts, min_size=1, max_size=8))
def test_a_column_and_its_total_alone(column):
    table = pd.DataFrame(
        {"n": [*column, sum(column)]}, index=[*(f"T{i}" for i in range(len(column))), "SYSTEM"]
    )
    published = suppress_table(table, additive_columns={"n"}, total_row="SYSTEM")
    hidden = stars(published)
    # A single-column table needs at most one complement.
    primary = {(r, "n") for r in table.index if is_small(table.at[r, "n"])}
    assert primary <= hidden and len(hidden - primary) <= 1
    assert_nothing_recoverable(published, additive=["n"], total_row="SYSTEM")


def test_a_missing_cell_is_never_the_complement():
    # The total 9 is A's 4 plus B's 5; C did not submit. A and B are small and hidden; the
    # total is shown, and with two hidden cells the column gives neither away.
    table = pd.DataFrame({"n": [4, 5, None, 9]}, index=["A", "B", "C", "T"])
    published = suppress_table(table, additive_columns={"n"}, total_row="T")
    assert list(published["n"][["A", "B", "T"]]) == [SUPPRESSED, SUPPRESSED, 9]
    assert pd.isna(published["n"]["C"])
    # A hidden part whose whole and other part are missing: nothing to subtract from, so
    # nothing more is hidden (and the function ends).
    table = pd.DataFrame({"a": [3.0], "b": [None], "w": [None]}, index=["A"])
    published = suppress_table(
        table, additive_columns={"a", "b", "w"}, row_wholes={"w": ["a", "b"]}
    )
    assert published.at["A", "a"] == SUPPRESSED
    assert pd.isna(published.at["A", "b"]) and pd.isna(published.at["A", "w"])
