"""What the pipeline knows about each headline figure: section, label, unit, which way is better.

The ids are the public contract of METRICS.md. Ids not in METRICS.md are extra figures the
briefing finds useful; ``in_contract`` says which is which.
"""

from __future__ import annotations

from dataclasses import dataclass

SECTIONS = {
    "elective": "Elective care: the waiting list",
    "theatres": "Theatres",
    "diagnostics": "Diagnostics",
    "uec": "Urgent and emergency care",
    "finance": "Finance",
}


#: The kinds of series a figure makes, which decide how it may be charted:
#: ``monthly`` a measure of each month, and ``weekly`` one taken at each weekly snapshot, both
#: charted with SPC limits once there are enough points; ``ytd`` a financial-year-to-date
#: cumulative that restarts every April (a process-control chart of it would read the reset as a
#: signal), a running total since a programme began (``cumulative``), an ordinal ``level``
#: (OPEL 1 to 4), a ``plan``, a ``constant`` of the plan year and a ``rank``: all charted
#: without limits, as their points are not independent measures of a process.
SERIES_KINDS = ("monthly", "weekly", "ytd", "cumulative", "level", "plan", "constant", "rank")
#: Kinds whose points may be read as a process with SPC limits and icons.
SPC_KINDS = frozenset({"monthly", "weekly"})


#: The units a figure may be in. The unit also names the figure's display format, one rule per
#: unit for every output a person reads (pipeline.metrics.formats): counts, trusts, ranks and
#: rates of people a week as whole numbers with thousands separators, weeks and percentages to
#: one decimal, money (the returns give £ thousands) as £ millions to one decimal.
UNITS = {
    "count": "a number of patients, pathways, tests or attendances",
    "percent": "a percentage, 100 x numerator / denominator where both are counts",
    "rank": "a position among ICBs, numerator the rank and denominator how many were ranked",
    "gbp_thousands": "money in £ thousands, surplus positive",
    "per_week": "patients a week",
    "weeks": "a duration in weeks",
    "trusts": "a number of trusts (for one trust, 1 or 0)",
    "level": "an ordinal level (OPEL 1 to 4)",
}
#: Units whose system value is, by default, the sum of the trusts' values.
ADDITIVE_UNITS = frozenset({"count", "gbp_thousands", "trusts"})


@dataclass(frozen=True)
class Figure:
    id: str
    section: str
    label: str
    unit: str  # one of UNITS: decides how the value is shown (pipeline.metrics.formats)
    improvement: str  # up, down or neither: for SPC icons and "better/worse" words
    in_contract: bool = True
    patient_count: bool = False  # rests on counts of patients: small numbers are suppressed
    #: A board figure has its own panel in the pack (value, comparison, target, chart and a
    #: line of narrative); the others are detail, in the appendix.
    board: bool = False
    kind: str = "monthly"
    #: The same measure on the other basis (NHS England's publication for a trust-return
    #: figure), shown labelled beside it, never in its place.
    counterpart: str | None = None
    #: The plan series a year-to-date cumulative is charted against.
    plan_series: str | None = None
    #: A column of its section's table by trust in the appendix (board figures always are).
    trust_table: bool = False
    #: The figure its section opens with: the one METRICS.md gives the section's sentence for.
    lead: bool = False
    #: For national figures that a publication gives on more than one basis (RTT: by provider
    #: or by commissioner), which one this figure is; None where there is only one.
    basis: str | None = None
    #: Figures that add up to this one for the same scope and month. The consistency checks
    #: hold them to it, and disclosure control treats them as a line a reader could subtract
    #: along.
    parts: tuple[str, ...] = ()
    #: Whether the system's value is the sum of the trusts' values (checked before a briefing
    #: is written); by default, for counts, money and trusts from the trusts' returns.
    adds_up: bool = False
    #: Compared with its region's and England's figures from the same publication.
    regional: bool = False

    @property
    def spc(self) -> bool:
        """Whether the figure's series may carry SPC limits and icons."""
        return self.kind in SPC_KINDS


def _f(
    id_: str,
    section: str,
    label: str,
    unit: str,
    improvement: str,
    *,
    contract: bool = True,
    patients: bool = False,
    board: bool = False,
    kind: str = "monthly",
    counterpart: str | None = None,
    plan_series: str | None = None,
    table: bool = False,
    lead: bool = False,
    basis: str | None = None,
    parts: tuple[str, ...] = (),
    adds_up: bool | None = None,
    regional: bool = False,
) -> Figure:
    assert kind in SERIES_KINDS, kind
    assert unit in UNITS, unit
    return Figure(
        id_,
        section,
        label,
        unit,
        improvement,
        in_contract=contract,
        patient_count=patients,
        board=board,
        kind=kind,
        counterpart=counterpart,
        plan_series=plan_series,
        trust_table=table or board,
        lead=lead,
        basis=basis,
        parts=parts,
        # A national figure is NHS England's for the ICB, not a sum of the trusts' returns.
        adds_up=(unit in ADDITIVE_UNITS and not id_.startswith("benchmark."))
        if adds_up is None
        else adds_up,
        regional=regional,
    )


def _rtt_benchmarks(prefix: str, basis: str, words: str) -> list[Figure]:
    """The RTT benchmark figures on one basis (the extract's provider or commissioner parent)."""
    return [
        _f(
            f"{prefix}waiting_list.total",
            "elective",
            f"Waiting list, national publication, {words}",
            "count",
            "down",
            contract=False,
            basis=basis,
        ),
        _f(
            f"{prefix}within_18w_pct",
            "elective",
            f"Waiting under 18 weeks, national publication, {words} (%)",
            "percent",
            "up",
            contract=False,
            basis=basis,
        ),
        _f(
            f"{prefix}within_18w_rank",
            "elective",
            f"Rank among ICBs, waiting under 18 weeks, {words}",
            "rank",
            "down",
            contract=False,
            kind="rank",
            basis=basis,
        ),
        *(
            _f(
                f"{prefix}waits_over.{n}w",
                "elective",
                f"Waiting more than {n} weeks, national publication, {words}",
                "count",
                "down",
                contract=False,
                basis=basis,
            )
            for n in (52, 65, 78, 104)
        ),
    ]


#: The waiting-list thresholds of the targets so far (104 and 78 weeks by 31 March 2023, 65 by
#: 31 March 2024, 52 next): rtt.cohort.cleared_since.<N>w is given for each target in the plans
#: file; these are catalogued, others get the same entry from :func:`figure`.
CLEARED_THRESHOLDS = (104, 78, 65, 52)
CLEARED_PREFIX = "rtt.cohort.cleared_since."


#: The catalogue's entry for the whole family, by its id with ``<N>`` for the threshold: the
#: table the marts read (meta.figures) holds it, so the SQL can name the figure for a threshold
#: the plans file adds later.
CLEARED_FAMILY = f"{CLEARED_PREFIX}<N>w"


def _cleared(id_: str) -> Figure:
    weeks = id_.removeprefix(CLEARED_PREFIX).removesuffix("w")
    return _f(
        id_,
        "elective",
        f"{weeks}-week cohort cleared between two snapshots",
        "count",
        "up",
        patients=True,
        kind="cumulative",
    )


#: The 15 DM01 tests by their keys in data/reference/dm01_tests.csv (the keys returns and the
#: plans file use), with the names briefings give them.
_MODALITIES = [
    ("mri", "MRI"),
    ("ct", "CT"),
    ("non_obstetric_ultrasound", "Non-obstetric ultrasound"),
    ("barium_enema", "Barium enema"),
    ("dexa_scan", "DEXA scan"),
    ("audiology_assessments", "Audiology assessments"),
    ("echocardiography", "Echocardiography"),
    ("electrophysiology", "Electrophysiology"),
    ("peripheral_neurophysiology", "Peripheral neurophysiology"),
    ("sleep_studies", "Sleep studies"),
    ("urodynamics", "Urodynamics"),
    ("colonoscopy", "Colonoscopy"),
    ("flexi_sigmoidoscopy", "Flexi sigmoidoscopy"),
    ("cystoscopy", "Cystoscopy"),
    ("gastroscopy", "Gastroscopy"),
]
MODALITIES: dict[str, str] = dict(_MODALITIES)

FIGURES: dict[str, Figure] = {
    f.id: f
    for f in [
        _f(
            "rtt.waiting_list.total",
            "elective",
            "Waiting list (incomplete pathways)",
            "count",
            "down",
            patients=True,
            board=True,
            kind="weekly",
            counterpart="benchmark.rtt.waiting_list.total",
        ),
        *(
            _f(
                f"rtt.waits_over.{n}w",
                "elective",
                f"Waiting more than {n} weeks",
                "count",
                "down",
                patients=True,
                board=n == 65,
                kind="weekly",
                table=n != 52,
                counterpart=f"benchmark.rtt.waits_over.{n}w",
            )
            for n in (104, 78, 65, 52)
        ),
        _f(
            "rtt.within_18w_pct",
            "elective",
            "Waiting under 18 weeks (%)",
            "percent",
            "up",
            board=True,
            kind="weekly",
            counterpart="benchmark.rtt.within_18w_pct",
        ),
        _f(
            "rtt.cohort.remaining",
            "elective",
            "Long-wait cohort still to treat",
            "count",
            "down",
            parts=("rtt.cohort.remaining.admitted", "rtt.cohort.remaining.non_admitted"),
            patients=True,
            board=True,
            kind="weekly",
            lead=True,
        ),
        _f(
            "rtt.cohort.remaining.admitted",
            "elective",
            "Cohort: admitted",
            "count",
            "down",
            patients=True,
            kind="weekly",
            table=True,
        ),
        _f(
            "rtt.cohort.remaining.non_admitted",
            "elective",
            "Cohort: non-admitted",
            "count",
            "down",
            patients=True,
            kind="weekly",
            table=True,
        ),
        _f(
            "rtt.cohort.remaining_prior",
            "elective",
            "Cohort four weeks earlier",
            "count",
            "down",
            patients=True,
            kind="weekly",
        ),
        _f(
            "rtt.cohort.clearance_rate_6w",
            "elective",
            "Cohort cleared per week (6-week average)",
            "per_week",
            "up",
            kind="weekly",
        ),
        _f(
            "rtt.cohort.required_rate",
            "elective",
            "Cohort to clear per week to meet the target",
            "per_week",
            "down",
            kind="weekly",
        ),
        _f(
            "rtt.cohort.weeks_to_clear",
            "elective",
            "Weeks to clear the cohort at the current rate",
            "weeks",
            "down",
            kind="weekly",
        ),
        _f(
            "rtt.cohort.cleared_since",
            "elective",
            "Cohort cleared since the start",
            "count",
            "up",
            patients=True,
            kind="weekly",
        ),
        _f(
            "rtt.cohort.at_start",
            "elective",
            "Cohort at the plan year's first snapshot",
            "count",
            "neither",
            contract=False,
            patients=True,
            kind="constant",
        ),
        _f(
            "theatres.utilisation.capped_pct",
            "theatres",
            "Capped theatre utilisation (%)",
            "percent",
            "up",
            board=True,
        ),
        _f(
            "theatres.utilisation.uncapped_pct",
            "theatres",
            "Uncapped theatre utilisation (%)",
            "percent",
            "up",
            board=True,
            lead=True,
        ),
        _f(
            "diagnostics.activity.total",
            "diagnostics",
            "Diagnostic tests in the month",
            "count",
            "up",
            board=True,
        ),
        _f(
            "diagnostics.activity.vs_plan_ytd_pct",
            "diagnostics",
            "Diagnostic activity above (+) / below (-) plan, year to date (%)",
            "percent",
            "up",
            kind="ytd",
        ),
        *(
            _f(
                f"diagnostics.activity.vs_plan_ytd_pct.{key}",
                "diagnostics",
                f"{label} activity above (+) / below (-) plan, year to date (%)",
                "percent",
                "up",
                kind="ytd",
            )
            for key, label in _MODALITIES
        ),
        _f(
            "diagnostics.waiting.total",
            "diagnostics",
            "Waiting for a diagnostic test",
            "count",
            "down",
            patients=True,
            counterpart="benchmark.diagnostics.waiting.total",
            table=True,
        ),
        _f(
            "diagnostics.waiting.within_6w_pct",
            "diagnostics",
            "Waiting under 6 weeks (%)",
            "percent",
            "up",
            board=True,
            counterpart="benchmark.diagnostics.within_6w_pct",
        ),
        *(
            _f(
                f"diagnostics.waiting.over_{n}w",
                "diagnostics",
                f"Waiting {n}+ weeks",
                "count",
                "down",
                patients=True,
                board=n == 6,
                table=True,
            )
            for n in (6, 13, 26, 40)
        ),
        _f(
            "diagnostics.waiting.largest_over_6w",
            "diagnostics",
            "Trust with the most waiting 6+ weeks",
            "count",
            "down",
            patients=True,
            adds_up=False,
        ),
        _f(
            "diagnostics.colonoscopy.trusts_over_15pct_13w",
            "diagnostics",
            "Trusts with over 15% of colonoscopy waiters at 13+ weeks",
            "trusts",
            "down",
        ),
        _f(
            "diagnostics.colonoscopy.over_13w_pct",
            "diagnostics",
            "Colonoscopy waiters at 13+ weeks (%)",
            "percent",
            "down",
            contract=False,
            patients=True,
        ),
        _f(
            "benchmark.diagnostics.within_6w_rank",
            "diagnostics",
            "Rank among ICBs, waiting under 6 weeks",
            "rank",
            "down",
            kind="rank",
        ),
        _f(
            "benchmark.diagnostics.within_6w_pct",
            "diagnostics",
            "Waiting under 6 weeks, national publication (%)",
            "percent",
            "up",
            contract=False,
        ),
        _f(
            "benchmark.diagnostics.waiting.total",
            "diagnostics",
            "Waiting for a diagnostic test, national publication",
            "count",
            "down",
            contract=False,
        ),
        _f(
            "uec.four_hour_pct",
            "uec",
            "A&E 4-hour performance (%)",
            "percent",
            "up",
            board=True,
            counterpart="benchmark.uec.four_hour_pct",
            lead=True,
        ),
        _f(
            "uec.attendances",
            "uec",
            "A&E attendances",
            "count",
            "neither",
            contract=False,
            table=True,
        ),
        _f(
            "uec.type1_over_12h",
            "uec",
            "Type 1 patients more than 12 hours in A&E",
            "count",
            "down",
            contract=False,
            patients=True,
            table=True,
        ),
        _f(
            "benchmark.uec.four_hour_pct",
            "uec",
            "A&E 4-hour performance, national publication (%)",
            "percent",
            "up",
            regional=True,
        ),
        _f(
            "benchmark.uec.four_hour_rank",
            "uec",
            "Rank among ICBs, A&E 4-hour performance",
            "rank",
            "down",
            kind="rank",
        ),
        _f(
            "uec.long_stay.over_14d_pct",
            "uec",
            "G&A beds held by stays of 14+ days (%)",
            "percent",
            "down",
            table=True,
        ),
        _f(
            "uec.long_stay.over_21d_pct",
            "uec",
            "G&A beds held by stays of 21+ days (%)",
            "percent",
            "down",
            board=True,
        ),
        *_rtt_benchmarks("benchmark.rtt.", "provider", "by provider"),
        *_rtt_benchmarks("benchmark.rtt.by_commissioner.", "commissioner", "by commissioner"),
        _f(
            "finance.providers.ytd_surplus_deficit",
            "finance",
            "Providers' surplus (+) / deficit (-), year to date",
            "gbp_thousands",
            "up",
            board=True,
            kind="ytd",
            plan_series="finance.providers.ytd_plan",
            lead=True,
        ),
        _f(
            "finance.providers.ytd_plan",
            "finance",
            "Providers' planned surplus (+) / deficit (-), year to date",
            "gbp_thousands",
            "neither",
            contract=False,
            kind="plan",
            table=True,
        ),
        _f(
            "finance.providers.in_deficit",
            "finance",
            "Providers reporting a deficit",
            "trusts",
            "down",
            kind="ytd",
        ),
        _f(
            "finance.system.ytd_surplus_deficit",
            "finance",
            "System surplus (+) / deficit (-), year to date",
            "gbp_thousands",
            "up",
            parts=("finance.providers.ytd_surplus_deficit", "finance.icb.ytd_surplus_deficit"),
            board=True,
            kind="ytd",
            plan_series="finance.system.ytd_plan",
            adds_up=False,
        ),
        _f(
            "finance.system.ytd_plan",
            "finance",
            "System planned surplus (+) / deficit (-), year to date",
            "gbp_thousands",
            "neither",
            contract=False,
            kind="plan",
            adds_up=False,
        ),
        _f(
            "finance.icb.ytd_surplus_deficit",
            "finance",
            "ICB's own surplus (+) / deficit (-), year to date",
            "gbp_thousands",
            "up",
            contract=False,
            kind="ytd",
            adds_up=False,
        ),
        _f(
            "finance.forecast_outturn",
            "finance",
            "System forecast outturn, surplus (+) / deficit (-), full year",
            "gbp_thousands",
            "up",
            kind="ytd",
            adds_up=False,
        ),
        _f(
            "finance.system.fy_plan",
            "finance",
            "System planned surplus (+) / deficit (-), full year",
            "gbp_thousands",
            "neither",
            contract=False,
            kind="plan",
            adds_up=False,
        ),
        _f(
            "finance.capital.spend_pct_of_plan",
            "finance",
            "Capital (CDEL) spent year to date, % of full-year plan",
            "percent",
            "neither",
            kind="ytd",
            table=True,
        ),
        _f(
            "finance.cash_support.providers",
            "finance",
            "Providers that requested cash support",
            "trusts",
            "down",
            kind="ytd",
        ),
        _f(
            "finance.cash_support.amount",
            "finance",
            "Cash support advanced, cumulative",
            "gbp_thousands",
            "down",
            kind="ytd",
            table=True,
        ),
        _f(
            "finance.cip.delivery_pct",
            "finance",
            "Cost improvement delivered vs plan, year to date (%)",
            "percent",
            "up",
            board=True,
            kind="ytd",
        ),
        _f(
            "finance.cip.recurrent_pct",
            "finance",
            "Cost improvement delivered that is recurrent (%)",
            "percent",
            "up",
            contract=False,
            kind="ytd",
        ),
        # Programme figures (the programme return; the long-stay shares at a named day from the UEC
        # return; the cohort cleared for every target from the waiting-list returns).
        _f(
            "procurement.savings.pipeline",
            "finance",
            "Procurement savings pipeline",
            "gbp_thousands",
            "up",
            kind="cumulative",
            adds_up=False,
        ),
        _f(
            "procurement.savings.delivered_fye",
            "finance",
            "Procurement savings delivered to date, full-year effect",
            "gbp_thousands",
            "up",
            kind="cumulative",
            adds_up=False,
        ),
        _f(
            "procurement.savings.delivered_iye",
            "finance",
            "Procurement savings delivered to date, in-year effect",
            "gbp_thousands",
            "up",
            kind="cumulative",
            adds_up=False,
        ),
        _f(
            "diagnostics.cdc.activity",
            "diagnostics",
            "Community diagnostic centre tests, year to date",
            "count",
            "up",
            kind="cumulative",
        ),
        _f(
            "diagnostics.cdc.activity_vs_plan_pct",
            "diagnostics",
            "CDC activity above (+) / below (-) plan, year to date (%)",
            "percent",
            "up",
        ),
        _f(
            "uec.opel.level",
            "uec",
            "OPEL escalation level, latest in the month",
            "level",
            "down",
            kind="level",
        ),
        _f(
            "uec.opel.trusts_at_3_plus",
            "uec",
            "Trusts at OPEL 3 or 4 on most days",
            "trusts",
            "down",
        ),
        _f(
            "uec.long_stay.over_14d_pct_at",
            "uec",
            "G&A beds held by stays of 14+ days, at a named day (%)",
            "percent",
            "down",
        ),
        _f(
            "uec.long_stay.over_21d_pct_at",
            "uec",
            "G&A beds held by stays of 21+ days, at a named day (%)",
            "percent",
            "down",
        ),
        _f(
            "elective.alternative_choice.texts_sent",
            "elective",
            "Alternative Choice: patients texted (cumulative)",
            "count",
            "up",
            patients=True,
            kind="cumulative",
            adds_up=False,
        ),
        _f(
            "elective.alternative_choice.willing_to_travel",
            "elective",
            "Alternative Choice: patients willing to travel",
            "count",
            "neither",
            patients=True,
            adds_up=False,
        ),
        _f(
            "outpatients.teledermatology.implementation_pct",
            "elective",
            "Teledermatology implementation (%)",
            "percent",
            "up",
        ),
        *(_cleared(f"{CLEARED_PREFIX}{n}w") for n in CLEARED_THRESHOLDS),
    ]
}


#: Parts that add up to a whole, for the same scope and month: (whole, parts), from the entries.
PARTS = [(f.id, f.parts) for f in FIGURES.values() if f.parts]


#: The figure each section opens with (``lead``), in METRICS.md order.
LEADS = tuple(f.id for f in FIGURES.values() if f.lead)


def figure(id_: str) -> Figure:
    """The catalogue entry; an id not catalogued still gets a sensible default."""
    if id_ in FIGURES:
        return FIGURES[id_]
    if id_.startswith(CLEARED_PREFIX):
        return _cleared(id_)
    section = id_.split(".")[1] if id_.startswith("benchmark.") else id_.split(".")[0]
    section = {"rtt": "elective"}.get(section, section)
    return Figure(id_, section if section in SECTIONS else "uec", id_, "count", "neither", False)


def table_rows() -> list[dict[str, object]]:
    """The catalogue as the rows of ``meta.figures``, which the marts read each figure's unit
    from; the cohort-cleared family is one row, its id holding ``<N>`` for the threshold."""
    entries = [*FIGURES.values(), figure(CLEARED_FAMILY)]
    return [
        {
            "id": f.id,
            "section": f.section,
            "label": f.label,
            "unit": f.unit,
            "kind": f.kind,
            "improvement": f.improvement,
            "in_contract": f.in_contract,
            "board": f.board,
        }
        for f in entries
    ]
