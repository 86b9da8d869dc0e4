"""What a month's board pack says, assembled once and written four ways (PDF, HTML, workbook,
Markdown).

The shape is that of the Integrated Performance Reports trust boards already read: a cover
(month, data cut-off, author, reference, who submitted what), the Making Data Count summary
matrix, then each section opening with its sentences (METRICS.md), one panel per *board* figure
(value, comparison, target, chart, a line of narrative, data quality), and the detail behind
them in an appendix. Which figures are board figures, and so which charts are drawn, is the
catalogue's ``board`` flag. Published outputs apply disclosure control.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.briefing.charts import Chart, draw
from pipeline.briefing.quality import Quality, quality_of
from pipeline.briefing.tables import TrustTable, trust_table
from pipeline.config import Settings
from pipeline.metrics import words
from pipeline.metrics.catalogue import SECTIONS, figure
from pipeline.metrics.formats import display
from pipeline.metrics.inputs import SYSTEM, Inputs
from pipeline.metrics.inputs import series as headline_series
from pipeline.metrics.record import Headline
from pipeline.metrics.sections.base import financial_year_start
from pipeline.metrics.suppression import SUPPRESSED, is_small, published_text, published_value
from pipeline.spc import ASSURANCE_LABELS, VARIATION_LABELS
from pipeline.workers import run_all

#: What the trusts' returns and NHS England's publications are called wherever a figure says
#: what it rests on.
BASES = {"trust_returns": "the CMAST trusts' returns", "nhse": "NHS England's publication"}
RETURN_NAMES = {
    "uec": "A&E and beds",
    "rtt": "Waiting list",
    "dm01": "Diagnostics",
    "theatres": "Theatres",
    "finance": "Finance",
}


@dataclass
class Panel:
    """One board figure: what its page shows."""

    record: Headline
    label: str
    value: str
    basis: str
    comparison: str
    counterpart: str
    target: str
    narrative: str
    quality: Quality
    chart: Chart | None = None

    @property
    def anchor(self) -> str:
        return "fig-" + self.record.id.replace(".", "-")

    @property
    def variation(self) -> str:
        if self.record.variation:
            return VARIATION_LABELS[self.record.variation]
        spc = self.chart.spc if self.chart is not None else None
        if spc is not None and spc.no_variation_note:
            return spc.no_variation_note[0].upper() + spc.no_variation_note[1:]
        return self.chart.note if self.chart is not None and self.chart.note else "No SPC"

    @property
    def assurance(self) -> str:
        if self.record.assurance:
            return ASSURANCE_LABELS[self.record.assurance]
        return self.target_note

    @property
    def target_note(self) -> str:
        spc = self.chart.spc if self.chart is not None else None
        if spc is not None and spc.assurance_note:
            return spc.assurance_note[0].upper() + spc.assurance_note[1:]
        target = (self.record.comparators.get("target") or {}).get("value")
        if target is None:
            return "No target set"
        if not figure(self.record.id).spc:
            return (
                f"Target {display(target, self.record.unit)}: no assurance for this kind of series"
            )
        return f"Target {display(target, self.record.unit)}: too few points for assurance"


@dataclass
class Section:
    key: str
    title: str
    sentences: list[str]
    panels: list[Panel]
    detail: list[Headline]  # the section's other figures, for the appendix
    table: TrustTable | None
    records: list[Headline] = field(default_factory=list)


@dataclass
class Cover:
    title: str
    month: str
    cut_off: str
    published: str
    author: str
    contact: str
    reference: str
    coverage: pd.DataFrame  # trusts by return: when each was received, or "not received"


@dataclass
class Briefing:
    period: str
    records: list[Headline]
    sections: list[Section]
    cover: Cover
    #: The month's trust returns against NHS England's publication of them: a summary line and
    #: one line per figure beyond its tolerance (empty when no publication covers the month).
    reconciliation: list[str] = field(default_factory=list)

    @property
    def panels(self) -> list[Panel]:
        return [p for s in self.sections for p in s.panels]


def assemble(
    inputs: Inputs, period: str, records: list[Headline], chart_folder: Path, settings: Settings
) -> Briefing:
    sections, drawing = [], []
    for key, title in SECTIONS.items():
        mine = [r for r in records if r.section == key]
        if not mine:
            continue
        system = [r for r in mine if r.scope == SYSTEM]
        board = [r for r in system if figure(r.id).board and r.value is not None]
        panels = [_panel(inputs, r, records, settings) for r in board]
        for panel in panels:
            drawing.append((panel, _chart_call(inputs, panel.record, chart_folder)))
        sentences = [published_text(r) for r in mine if r.text]
        detail = [r for r in mine if r not in board]
        sections.append(
            Section(key, title, sentences, panels, detail, trust_table(inputs, period, key), mine)
        )
    # Drawing is most of a briefing's time, and each chart stands alone: shared out.
    charts = run_all(settings, draw, [call for _, call in drawing])
    for (panel, _), chart in zip(drawing, charts, strict=True):
        panel.chart = chart
    return Briefing(
        period,
        records,
        sections,
        cover(inputs, period, records, settings),
        reconciliation_lines(inputs, period),
    )


#: How the briefing names the reconciled measures and their breakdowns.
MEASURE_WORDS = {
    "ae.attendances": "A&E attendances",
    "ae.within_4h": "A&E within 4 hours",
    "dm01.waiting": "DM01 waiting list",
    "dm01.waiting_6w_plus": "DM01 waiting 6+ weeks",
    "dm01.activity": "DM01 tests done",
    "rtt.waiting_list": "RTT waiting list",
    "rtt.over_52w": "RTT over 52 weeks",
    "rtt.over_65w": "RTT over 65 weeks",
    "rtt.over_78w": "RTT over 78 weeks",
    "rtt.over_104w": "RTT over 104 weeks",
}


def reconciliation_lines(inputs: Inputs, period: str) -> list[str]:
    """What the comparison of the month's returns with NHS England's publication found."""
    from pipeline.metrics import words
    from pipeline.national.reconcile import differences

    rows = inputs.reconciliation
    if rows.empty:
        return []
    rows = rows[rows["period"] == period]
    compared = rows[rows["status"] != "not_compared"]
    if compared.empty:
        return []
    beyond = differences(compared)
    within = int((compared["status"] == "within_tolerance").sum())
    lines = [
        f"{len(compared):,} figures of {compared['org_code'].nunique()} trusts compared "
        f"with NHS England's publication for {words.month_name(period)}: "
        f"{int((compared['status'] == 'agrees').sum()):,} agree, {within:,} within "
        f"tolerance, {len(beyond):,} beyond it. 12-hour waits are not compared (from "
        "arrival in the returns, from the decision to admit in the publication)."
    ]
    for r in beyond.itertuples(index=False):
        name = inputs.names.get(r.org_code, r.org_code)
        relative = (
            ""
            if pd.isna(r.relative_difference_pct)
            else f", {r.relative_difference_pct:+.1f}% against a tolerance of {r.tolerance_pct:g}%"
        )
        part = {
            "type1": "type 1",
            "type2": "type 2",
            "type3": "type 3",
            "booked": "booked appointments",
        }.get(r.breakdown, r.breakdown)
        lines.append(
            f"{name} ({r.org_code}), {MEASURE_WORDS.get(r.measure, r.measure)}, "
            f"{part}: the trust's return gives {int(r.return_value):,}, NHS "
            f"England published {int(r.published_value):,} ({int(r.difference):+,}"
            f"{relative})."
        )
    return lines


def _chart_call(inputs: Inputs, record: Headline, folder: Path) -> tuple:
    entry = figure(record.id)
    history = headline_series(inputs, record.id, record.scope, record.period)
    plan = None
    if entry.kind == "ytd":
        # The financial year so far: a cumulative is only comparable within its year.
        start = f"{financial_year_start(record.period)}-04"
        history = history[history.index >= start]
        if entry.plan_series:
            plan = headline_series(inputs, entry.plan_series, record.scope, record.period)
            plan = plan[plan.index >= start]
    target = (record.comparators.get("target") or {}).get("value")
    target = target if isinstance(target, (int, float)) else None
    y_label: str | None = None
    unit: str | None = record.unit
    if record.unit == "gbp_thousands":  # charted in £ millions, as the pack quotes money
        history = history / 1000
        plan = plan / 1000 if plan is not None else None
        target = target / 1000 if target is not None else None
        y_label, unit = "£m", None
    title = f"{entry.label}, {inputs.names.get(record.scope, record.scope)}"
    return (history, record.id, title, folder, target, y_label, plan, unit)


def _panel(inputs: Inputs, record: Headline, records: list[Headline], settings: Settings) -> Panel:
    entry = figure(record.id)
    shown = published_value(record)
    return Panel(
        record=record,
        label=entry.label,
        value=shown,
        basis=basis(record, inputs.names),
        comparison=_comparison(record),
        counterpart=_counterpart(record, records, inputs.names),
        target=_target(record),
        narrative=published_text(record),
        quality=quality_of(record, inputs, settings),
    )


def basis(record: Headline, names: dict[str, str]) -> str:
    """What a figure rests on: "the 12 CMAST trusts' returns", "NHS England's publication,
    Cheshire and Merseyside"."""
    where = names.get(record.scope, record.scope)
    if record.source == "nhse":
        return f"NHS England's publication, {where}"
    cover = record.coverage
    if cover:
        return (
            f"the {cover['trusts_submitted']} of {cover['trusts_expected']} CMAST trusts' returns"
            if cover["missing"]
            else f"the {cover['trusts_expected']} CMAST trusts' returns"
        )
    return f"{where}'s return"


def _comparison(record: Headline) -> str:
    previous = record.comparators.get("previous_period")
    if not previous or previous.get("value") is None:
        return "No earlier figure"
    when = (
        words.day_name(previous["as_of"])
        if previous.get("as_of")
        else words.month_name(previous["period"])
    )
    if previous.get("basis"):
        when += f" ({previous['basis']})"
    if is_small(record.patients) or is_small(previous["value"]) and figure(record.id).patient_count:
        return f"{when}: {SUPPRESSED}"
    return f"{when}: {display(previous['value'], record.unit)}"


def _target(record: Headline) -> str:
    found = []
    target = record.comparators.get("target")
    if target and target.get("value") is not None:
        deadline = pd.Timestamp(target["deadline"]) if target.get("deadline") else None
        by = f" by {deadline:%B %Y}" if deadline is not None else ""
        found.append(f"Target {display(target['value'], record.unit)}{by}")
    plan = record.comparators.get("plan")
    if plan and plan.get("value") is not None:
        found.append(f"Plan {display(plan['value'], record.unit)}")
    return "; ".join(found) or "No target set"


def _counterpart(record: Headline, records: list[Headline], names: dict[str, str]) -> str:
    """The same measure on the other basis, labelled, when both exist for the month."""
    other_id = figure(record.id).counterpart
    if not other_id:
        return ""
    other = next(
        (
            r
            for r in records
            if r.id == other_id and r.scope == record.scope and r.value is not None
        ),
        None,
    )
    if other is None:
        return ""
    return f"{basis(other, names)}: {display(other.value, other.unit)}"


def cover(inputs: Inputs, period: str, records: list[Headline], settings: Settings) -> Cover:
    used = sorted({p["sha256"] for r in records for p in r.provenance})
    digest = hashlib.sha256("\n".join(used).encode()).hexdigest()[:8].upper()
    received = [pd.Timestamp(p["received_at"]) for r in records for p in r.provenance]
    cut_off = max(received).strftime("%d %B %Y %H:%M") if received else "no returns"
    return Cover(
        title="CMAST Integrated Performance Report",
        month=words.month_name(period),
        cut_off=cut_off,
        published=date.today().strftime("%d %B %Y"),
        author=settings.report_author,
        contact=settings.report_contact or "not set (CMAST_REPORT_CONTACT)",
        reference=f"CMAST-IPR-{period}-{digest}",
        coverage=coverage(inputs, period),
    )


def coverage(inputs: Inputs, period: str) -> pd.DataFrame:
    """Who submitted what for the month: each member trust by return, the day its current
    return was received (weekly returns: the snapshots received), or "not received"."""
    subs = inputs.submissions.copy()
    subs["kind"] = subs["return_type"].fillna("").str.split("_").str[0]
    subs = subs[subs["period"].astype(str).str[:7] == period]
    members = inputs.members
    rows = {}
    for code in members:
        mine = subs[subs["org_code"] == code]
        row = {}
        for kind, name in RETURN_NAMES.items():
            got = mine[mine["kind"] == kind]
            if got.empty:
                row[name] = "not received"
            elif kind == "rtt":
                row[name] = f"{got['period'].nunique()} weekly snapshots"
            else:
                row[name] = f"received {pd.Timestamp(got['received_at'].max()):%d %b}"
        rows[f"{inputs.names.get(code, code)} ({code})"] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "Trust"
    return frame
