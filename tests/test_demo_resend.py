"""The demo's samples sent again after the program changed how it writes them: a sample the
ledger has already received as it is stays out of the inbox, and one whose content changed under
the same name and time is sent as a correction, later, so it replaces the earlier one instead of
tying with it (a tie would take both out of the figures)."""

from __future__ import annotations

import os

from pipeline.ingest import process_file
from pipeline.samples.demo import _drop_already_received
from pipeline.warehouse import connect
from tests.conftest import drop_csv, on_open_days, uec_rows

ARRIVED = 1_699_434_000.0  # 8 November 2023, 09:00 UTC: when the demo's October returns land


def test_a_changed_sample_replaces_the_one_received_and_an_unchanged_one_is_not_sent(settings):
    first = drop_csv(settings, uec_rows(days=2), name="uec_2023-10.csv", mtime=ARRIVED)
    assert process_file(first, settings).status == "loaded"

    same = drop_csv(settings, uec_rows(days=2), name="uec_2023-10.csv", mtime=ARRIVED)
    assert _drop_already_received(settings, [same]) == []
    assert not same.exists()

    # Type 1 attendances 100 and 200 on the two open days before; 150 and 250 now.
    changed_rows = on_open_days(uec_rows(days=2), type1_attendances=[150, 250])
    changed = drop_csv(settings, changed_rows, name="uec_2023-10.csv", mtime=ARRIVED)
    assert _drop_already_received(settings, [changed]) == [changed]
    assert os.stat(changed).st_mtime > ARRIVED
    outcome = process_file(changed, settings)
    assert outcome.status == "loaded", outcome.message

    with connect(settings, read_only=True) as conn:
        current = conn.execute(
            "SELECT count(*), sum(type1_attendances) FROM raw.uec_daily JOIN "
            "ledger.submissions USING (submission_id) WHERE status = 'loaded'"
        ).fetchone()
        superseded = conn.execute(
            "SELECT count(*) FROM ledger.submissions WHERE status = 'superseded'"
        ).fetchone()
    # One current return of 31 days (2 open, 29 closed with 0s): 150 + 250 = 400.
    assert current == (31, 400)
    assert superseded == (1,)
