"""The figure catalogue is where a figure is described: its ids are METRICS.md's, each entry is
whole, and the marts take every figure's unit from it, so a figure the SQL writes without an
entry stops the build and names the figure."""

from __future__ import annotations

import shutil
from dataclasses import replace

import duckdb
import pytest

from pipeline.metrics.catalogue import (
    CLEARED_FAMILY,
    CLEARED_THRESHOLDS,
    FIGURES,
    MODALITIES,
    SECTIONS,
    SERIES_KINDS,
    UNITS,
    figure,
    table_rows,
)
from schemas.programme import CATALOGUE as PROGRAMME_METRICS
from tests.contract import FAMILIES, contract_ids
from tests.mart_warehouse import build, mart
from tests.rows import ledger, raw_uec


def test_the_catalogue_holds_the_contract_ids_and_only_those_as_contract():
    contract = contract_ids()
    assert contract - set(FIGURES) == set(), "METRICS.md ids without a catalogue entry"
    assert {i for i in contract if not FIGURES[i].in_contract} == set()
    in_contract = {f.id for f in FIGURES.values() if f.in_contract}
    beyond = {i for i in in_contract - contract if not i.startswith(FAMILIES)}
    assert beyond == set(), "catalogued as contract ids but not in METRICS.md"
    # The families METRICS.md writes with "...": every DM01 test and every target's threshold.
    assert {f"diagnostics.activity.vs_plan_ytd_pct.{key}" for key in MODALITIES} <= in_contract
    assert {f"rtt.cohort.cleared_since.{n}w" for n in CLEARED_THRESHOLDS} <= in_contract


def test_every_entry_is_whole_and_its_references_are_catalogued():
    for f in FIGURES.values():
        assert f.section in SECTIONS and f.unit in UNITS and f.kind in SERIES_KINDS, f.id
        assert f.improvement in {"up", "down", "neither"}, f.id
        for part in f.parts:
            assert FIGURES[part].unit == f.unit, (f.id, part)
        if f.counterpart:
            other = FIGURES[f.counterpart]
            # One measure on the other basis: same unit, its own label.
            assert other.unit == f.unit and other.label != f.label, f.id
        if f.plan_series:
            assert FIGURES[f.plan_series].kind == "plan", f.id
    # Sums across trusts are only claimed of units that can be summed.
    assert all(
        f.unit in {"count", "gbp_thousands", "trusts"} for f in FIGURES.values() if f.adds_up
    )


def test_a_threshold_the_catalogue_does_not_list_gets_the_family_entry():
    entry = figure("rtt.cohort.cleared_since.40w")
    assert entry == replace(
        figure(CLEARED_FAMILY),
        id="rtt.cohort.cleared_since.40w",
        label="40-week cohort cleared between two snapshots",
    )
    assert {row["id"] for row in table_rows()} == {*FIGURES, CLEARED_FAMILY}


def _october_uec(settings) -> None:
    build(
        settings,
        ledger=[ledger(1, "RJR", "uec", "2023-10")],
        raw={
            "uec_daily": [
                raw_uec(
                    1,
                    "RJR",
                    "2023-10-01",
                    type1_attendances=100,
                    type1_within_4h=70,
                    ga_beds_occupied=500,
                    beds_stay_14plus=110,
                    beds_stay_21plus=60,
                )
            ]
        },
    )


def test_the_marts_give_each_figure_the_catalogues_unit(settings):
    _october_uec(settings)
    rows = mart(settings, "headline_values", columns="DISTINCT id, unit")
    assert {r["id"] for r in rows} >= {"uec.four_hour_pct", "uec.attendances"}
    assert all(r["unit"] == figure(r["id"]).unit for r in rows), rows
    # The value of a percentage is worked out from the unit the catalogue gives: 70 of 100.
    [four_hour] = mart(settings, "headline_values", "id = 'uec.four_hour_pct' AND scope = 'RJR'")
    assert four_hour["value"] == pytest.approx(70.0)


def test_a_figure_without_a_catalogue_entry_stops_the_build_and_is_named(settings, tmp_path):
    sql = tmp_path / "sql"
    shutil.copytree(settings.sql_dir, sql)
    mart_file = sql / "marts" / "uec_headlines.sql"
    text = mart_file.read_text()
    assert text.count("'uec.attendances' AS id") == 1
    mart_file.write_text(text.replace("'uec.attendances' AS id", "'uec.attendances_new' AS id"))
    with pytest.raises(duckdb.InvalidInputException, match=r"uec\.attendances_new has no entry"):
        _october_uec(replace(settings, sql_dir=sql))


def test_the_programme_returns_units_are_the_figures_units():
    """The programme return says what unit a trust sends each id in (schemas/programme.py, which
    may not import the library); the figure it becomes is in the same unit."""
    for metric in PROGRAMME_METRICS.values():
        assert FIGURES[metric.id].unit == metric.unit, metric.id
