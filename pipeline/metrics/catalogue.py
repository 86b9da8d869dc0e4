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


@dataclass(frozen=True)
class Figure:
    id: str
    section: str
    label: str
    improvement: str  # up, down or neither: for SPC icons and "better/worse" words
    in_contract: bool = True
    patient_count: bool = False  # rests on counts of patients: small numbers are suppressed
    #: For national figures that a publication gives on more than one basis (RTT: by provider
    #: or by commissioner), which one this figure is; None where there is only one.
    basis: str | None = None


def _f(id_: str, section: str, label: str, improvement: str, *, contract: bool = True,
       patients: bool = False, basis: str | None = None) -> Figure:
    return Figure(id_, section, label, improvement, contract, patients, basis)


def _rtt_benchmarks(prefix: str, basis: str, words: str) -> list[Figure]:
    """The RTT benchmark figures on one basis (the extract's provider or commissioner parent)."""
    return [
        _f(f"{prefix}waiting_list.total", "elective",
           f"Waiting list, national publication, {words}", "down", contract=False, basis=basis),
        _f(f"{prefix}within_18w_pct", "elective",
           f"Waiting under 18 weeks, national publication, {words} (%)", "up", contract=False,
           basis=basis),
        _f(f"{prefix}within_18w_rank", "elective",
           f"Rank among ICBs, waiting under 18 weeks, {words}", "down", contract=False,
           basis=basis),
        *(_f(f"{prefix}waits_over.{n}w", "elective",
             f"Waiting more than {n} weeks, national publication, {words}", "down",
             contract=False, basis=basis)
          for n in (52, 65, 78, 104)),
    ]


#: The 15 DM01 tests by their keys in data/reference/dm01_tests.csv (the keys returns and the
#: plans file use), with the names briefings give them.
_MODALITIES = [
    ("mri", "MRI"), ("ct", "CT"), ("non_obstetric_ultrasound", "Non-obstetric ultrasound"),
    ("barium_enema", "Barium enema"), ("dexa_scan", "DEXA scan"),
    ("audiology_assessments", "Audiology assessments"),
    ("echocardiography", "Echocardiography"), ("electrophysiology", "Electrophysiology"),
    ("peripheral_neurophysiology", "Peripheral neurophysiology"),
    ("sleep_studies", "Sleep studies"), ("urodynamics", "Urodynamics"),
    ("colonoscopy", "Colonoscopy"), ("flexi_sigmoidoscopy", "Flexi sigmoidoscopy"),
    ("cystoscopy", "Cystoscopy"), ("gastroscopy", "Gastroscopy"),
]
MODALITIES: dict[str, str] = dict(_MODALITIES)

FIGURES: dict[str, Figure] = {f.id: f for f in [
    _f("rtt.waiting_list.total", "elective", "Waiting list (incomplete pathways)", "down",
       patients=True),
    *(_f(f"rtt.waits_over.{n}w", "elective", f"Waiting more than {n} weeks", "down",
         patients=True) for n in (104, 78, 65, 52)),
    _f("rtt.within_18w_pct", "elective", "Waiting under 18 weeks (%)", "up"),
    _f("rtt.cohort.remaining", "elective", "Long-wait cohort still to treat", "down",
       patients=True),
    _f("rtt.cohort.remaining.admitted", "elective", "Cohort: admitted", "down", patients=True),
    _f("rtt.cohort.remaining.non_admitted", "elective", "Cohort: non-admitted", "down",
       patients=True),
    _f("rtt.cohort.remaining_prior", "elective", "Cohort four weeks earlier", "down",
       patients=True),
    _f("rtt.cohort.clearance_rate_6w", "elective", "Cohort cleared per week (6-week average)",
       "up"),
    _f("rtt.cohort.required_rate", "elective", "Cohort to clear per week to meet the target",
       "down"),
    _f("rtt.cohort.weeks_to_clear", "elective", "Weeks to clear the cohort at the current rate",
       "down"),
    _f("rtt.cohort.cleared_since", "elective", "Cohort cleared since the start", "up",
       patients=True),
    _f("rtt.cohort.at_start", "elective", "Cohort at the plan year's first snapshot", "neither",
       contract=False, patients=True),
    _f("theatres.utilisation.capped_pct", "theatres", "Capped theatre utilisation (%)", "up"),
    _f("theatres.utilisation.uncapped_pct", "theatres", "Uncapped theatre utilisation (%)", "up"),
    _f("diagnostics.activity.total", "diagnostics", "Diagnostic tests in the month", "up"),
    _f("diagnostics.activity.vs_plan_ytd_pct", "diagnostics",
       "Diagnostic activity above (+) / below (-) plan, year to date (%)", "up"),
    *(_f(f"diagnostics.activity.vs_plan_ytd_pct.{key}", "diagnostics",
         f"{label} activity above (+) / below (-) plan, year to date (%)", "up")
      for key, label in _MODALITIES),
    _f("diagnostics.waiting.total", "diagnostics", "Waiting for a diagnostic test", "down",
       patients=True),
    _f("diagnostics.waiting.within_6w_pct", "diagnostics", "Waiting under 6 weeks (%)", "up"),
    *(_f(f"diagnostics.waiting.over_{n}w", "diagnostics", f"Waiting {n}+ weeks", "down",
         patients=True) for n in (6, 13, 26, 40)),
    _f("diagnostics.waiting.largest_over_6w", "diagnostics",
       "Trust with the most waiting 6+ weeks", "down", patients=True),
    _f("diagnostics.colonoscopy.trusts_over_15pct_13w", "diagnostics",
       "Trusts with over 15% of colonoscopy waiters at 13+ weeks", "down"),
    _f("diagnostics.colonoscopy.over_13w_pct", "diagnostics",
       "Colonoscopy waiters at 13+ weeks (%)", "down", contract=False, patients=True),
    _f("benchmark.diagnostics.within_6w_rank", "diagnostics",
       "Rank among ICBs, waiting under 6 weeks", "down"),
    _f("benchmark.diagnostics.within_6w_pct", "diagnostics",
       "Waiting under 6 weeks, national publication (%)", "up", contract=False),
    _f("benchmark.diagnostics.waiting.total", "diagnostics",
       "Waiting for a diagnostic test, national publication", "down", contract=False),
    _f("uec.four_hour_pct", "uec", "A&E 4-hour performance (%)", "up"),
    _f("uec.attendances", "uec", "A&E attendances", "neither", contract=False),
    _f("uec.type1_over_12h", "uec", "Type 1 patients more than 12 hours in A&E", "down",
       contract=False, patients=True),
    _f("benchmark.uec.four_hour_pct", "uec", "A&E 4-hour performance, national publication (%)",
       "up"),
    _f("benchmark.uec.four_hour_rank", "uec", "Rank among ICBs, A&E 4-hour performance", "down"),
    _f("uec.long_stay.over_14d_pct", "uec", "G&A beds held by stays of 14+ days (%)", "down"),
    _f("uec.long_stay.over_21d_pct", "uec", "G&A beds held by stays of 21+ days (%)", "down"),
    *_rtt_benchmarks("benchmark.rtt.", "provider", "by provider"),
    *_rtt_benchmarks("benchmark.rtt.by_commissioner.", "commissioner", "by commissioner"),
    _f("finance.providers.ytd_surplus_deficit", "finance",
       "Providers' surplus (+) / deficit (-), year to date", "up"),
    _f("finance.providers.ytd_plan", "finance",
       "Providers' planned surplus (+) / deficit (-), year to date", "neither", contract=False),
    _f("finance.providers.in_deficit", "finance", "Providers reporting a deficit", "down"),
    _f("finance.system.ytd_surplus_deficit", "finance",
       "System surplus (+) / deficit (-), year to date", "up"),
    _f("finance.system.ytd_plan", "finance",
       "System planned surplus (+) / deficit (-), year to date", "neither", contract=False),
    _f("finance.icb.ytd_surplus_deficit", "finance",
       "ICB's own surplus (+) / deficit (-), year to date", "up", contract=False),
    _f("finance.forecast_outturn", "finance",
       "System forecast outturn, surplus (+) / deficit (-), full year", "up"),
    _f("finance.system.fy_plan", "finance",
       "System planned surplus (+) / deficit (-), full year", "neither", contract=False),
    _f("finance.capital.spend_pct_of_plan", "finance",
       "Capital (CDEL) spent year to date, % of full-year plan", "neither"),
    _f("finance.cash_support.providers", "finance", "Providers that requested cash support",
       "down"),
    _f("finance.cash_support.amount", "finance", "Cash support advanced, cumulative", "down"),
    _f("finance.cip.delivery_pct", "finance",
       "Cost improvement delivered vs plan, year to date (%)", "up"),
    _f("finance.cip.recurrent_pct", "finance", "Cost improvement delivered that is recurrent (%)",
       "up", contract=False),
]}


def figure(id_: str) -> Figure:
    """The catalogue entry; an id not catalogued still gets a sensible default."""
    if id_ in FIGURES:
        return FIGURES[id_]
    section = id_.split(".")[1] if id_.startswith("benchmark.") else id_.split(".")[0]
    section = {"rtt": "elective"}.get(section, section)
    return Figure(id_, section if section in SECTIONS else "uec", id_, "neither", False)
