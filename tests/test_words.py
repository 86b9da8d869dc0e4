"""Briefing wording: approximate phrases must be true of the exact value."""

import pytest

from pipeline.metrics import words


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        (55_123, "over 55,000"),  # 55,123 > 55,000 and within 10% of it
        (39_700, "nearly 40,000"),  # 300 below 40,000: 0.75%
        (55_000, "55,000"),  # exactly round: neither "over" nor "nearly" is true
        (38_000, "38,000"),  # round at the thousand: exact
        (38_950, "nearly 39,000"),
        (38_999, "nearly 39,000"),
        (250, "250"),
        (57, "57"),
    ],
)
def test_approximate_phrases_are_true(value, phrase):
    assert words.approximately(value) == phrase
    if phrase.startswith("over "):
        assert value > int(phrase[5:].replace(",", ""))
    if phrase.startswith("nearly "):
        assert value < int(phrase[7:].replace(",", ""))


def test_money_and_months():
    assert words.money_thousands(-12_345) == "-£12.3m"
    assert words.money_thousands(850) == "£850k"
    assert words.month_name("2023-10") == "October 2023"
    assert words.percent(69.7275) == "69.7%"
    assert words.count(1234567) == "1,234,567"
