"""Cell text to counts and dates: the one-step path for clean columns gives exactly what the
full parse gives, and anything unusual still goes through the full parse."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.validation import parse


def _count(cells: list[str | None]) -> tuple[list, list[bool]]:
    values, bad = parse._parse_count(parse._clean_text(pd.Series(cells, dtype="object")))
    return [None if pd.isna(v) else int(v) for v in values], [bool(b) for b in bad]


@pytest.mark.parametrize(
    ("cells", "values", "bad"),
    [
        (["1", "20", None, "300"], [1, 20, None, 300], [False] * 4),  # the usual column
        (["007", "-5", " 12 "], [7, -5, 12], [False] * 3),  # the schema refuses -5
        (["+7"], [7], [False]),  # full parse: a sign
        (["1,234", "5"], [1234, 5], [False, False]),  # thousands separator
        (["12.0", "3"], [12, 3], [False, False]),  # whole, written as decimal
        (["0x10"], [None], [True]),  # not a count to a person
        (["12.5"], [None], [True]),
        (["1,23"], [None], [True]),
        (["999999999999999"], [999_999_999_999_999], [False]),  # the largest accepted
        (["1000000000000000"], [None], [True]),  # refused, not wrapped
        (["-9223372036854775808"], [None], [True]),
        (["99999999999999999999"], [None], [True]),
        (["\u0663"], [None], [True]),  # Arabic-Indic three
        ([None, None], [None, None], [False, False]),
        ([], [], []),
    ],
)
def test_counts(cells, values, bad):
    assert _count(cells) == (values, bad)


def test_counts_keep_their_rows_where_blank_rows_were_dropped():
    # Data rows 0, 2 and 5 (rows 1, 3 and 4 were blank): each count stays with its own row.
    text = parse._clean_text(pd.Series(["10", "20", "30"], index=[0, 2, 5]))
    values, bad = parse._parse_count(text)
    assert values.to_dict() == {0: 10, 2: 20, 5: 30}
    assert not bad.any()


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(-(10**16), 10**16).map(str),
            st.text(alphabet="0123456789,.-+ x", max_size=8),
        ),
        max_size=30,
    )
)
def test_the_one_step_path_agrees_with_the_full_parse(cells):
    text = parse._clean_text(pd.Series(cells, dtype="object"))
    fast = parse._plain_counts(text)
    if fast is None:
        return  # the full parse decides alone
    # Whatever the one-step path takes, every cell is digits with at most a minus sign...
    assert text.dropna().str.fullmatch(r"-?[0-9]+").all()
    # ...and it reads as Python reads it.
    expected = [None if pd.isna(c) else int(c) for c in text]
    assert [None if pd.isna(v) else int(v) for v in fast] == expected


def test_dates_in_every_accepted_form():
    text = parse._clean_text(
        pd.Series(
            [
                "2023-10-01",
                "2023-10-02 00:00:00",
                "3/10/2023",
                "04-10-2023",
                "5 Oct 2023",
                "06-Oct-2023",
                "7 October 2023",
                "45207",
                "2023-13-01",
                None,
            ]
        )
    )
    days, bad = parse.parse_dates(text)
    shown = [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in days]
    # 45207 days after 1899-12-30 is 2023-10-08 (Excel's serial date).
    assert shown == [
        "2023-10-01",
        "2023-10-02",
        "2023-10-03",
        "2023-10-04",
        "2023-10-05",
        "2023-10-06",
        "2023-10-07",
        "2023-10-08",
        None,
        None,
    ]
    assert list(bad) == [False] * 8 + [True, False]
