"""Checks of the figures: pure functions over one unit's data for a period, returning findings.

`run_checks(store, unit, period)` reads what the rules need once (`gather`), runs every rule
(`check_input`, pure), drops the built-in rules an indicator switched off in the catalogue
(`checks_off`), and marks the findings that were explained (`check_status`). The UI and the
command line only show findings; nothing here writes.

Rule families, one module each under `rules/`: targets, arithmetic, history, completeness,
the report's text (`rules/text.py`: the texts the report prints, read with the figures),
and the rules written in the catalogue (`[[rule]]`).
"""

from __future__ import annotations

from datetime import date

from .catalogue import Catalogue, catalogue
from .consolidation import completeness as units_received
from .figure_data import FigureData
from .findings import SEVERITIES, SEVERITY_LABELS, Finding, summary_text
from .organisation import organisation
from .periods import Period, add_months, month_key, parse_period, split_month_key
from .period_state import period_state
from .progress import IndicatorProgress
from .numbers import percent_decimals
from .rules import arithmetic, completeness, history, targets, text
from .rules.catalogue_rules import evaluate_rules
from .rules.context import DEFAULT_SETTINGS, CheckInput
from .store import Store
from .targets import targets_for_year

__all__ = ["SEVERITIES", "SEVERITY_LABELS", "Finding", "check_input", "check_progress", "gather", "run_checks",
           "summary_text"]

RULES = targets.RULES + arithmetic.RULES + history.RULES + completeness.RULES + [evaluate_rules] + text.RULES


def gather(store: Store, unit: str, period: Period | str, today: date | None = None, state=None) -> CheckInput:
    """Read everything the rules look at for `unit` in `period`: progress, the unit's own
    figures for this year and the years the history rules compare with, targets, settings,
    and the report's text (each part as printed, today's drafts, the unwritten parts).
    `state` (a `PeriodState` of the same unit and period) spares computing the progress again."""
    from .drafting import report_texts

    if isinstance(period, str):
        period = parse_period(period)
    cat, org = catalogue(store), organisation(store)
    figure_unit, reporter = org.figure_unit(unit, period)
    if state is None:
        state = period_state(store, reporter.code, period)
    rows = list(state.rows)
    settings = {key: _number(store.setting(key, default), default) for key, default in DEFAULT_SETTINGS.items()}
    own = FigureData(store, cat, org, [figure_unit.code])
    earliest = add_months(period.end_key, -int(settings["check_history_months"]))
    first_year = min(period.year - int(settings["check_history_years"]), split_month_key(earliest)[0])
    for year in range(first_year, period.year):
        own.load_until(month_key(year, 12))
    own.load_until(period.end_key)
    report = report_texts(store, reporter.code, period, rows)
    # a department enters its own sectors: whether the wards have sent theirs is not its question
    received = None if reporter.is_department else units_received(store, figure_unit.code, period)
    return CheckInput(cat.for_level(figure_unit.kind), org, period, figure_unit.code, reporter.code, rows, own,
                      targets_for_year(store, figure_unit.code, period.year), settings, today or date.today(),
                      texts=report.printed, drafted=report.drafted, placeholders=report.placeholders,
                      percent_decimals=percent_decimals(store.settings()), completeness=received)


def _number(value, default: float) -> float:
    """A setting as a number; the default when it is not one (set by hand in the file)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return value
    return default


def check_input(inp: CheckInput) -> list[Finding]:
    """Every rule over `inp` (pure), less those switched off, in severity then catalogue order."""
    findings = []
    for rule in RULES:
        for finding in rule(inp):
            indicator = inp.cat.indicators.get(finding.indicator)  # none for a finding about the whole report
            if indicator is None or finding.rule not in indicator.checks_off:
                findings.append(finding)
    return _sorted(inp.cat, findings)


def _sorted(cat: Catalogue, findings: list[Finding]) -> list[Finding]:
    order = {s: i for i, s in enumerate(SEVERITIES)}
    position = {code: i for i, code in enumerate(cat.indicators)}
    return sorted(findings, key=lambda f: (order[f.severity], position.get(f.indicator, len(position)), f.rule))


def check_progress(cat: Catalogue, period: Period, rows: list[IndicatorProgress]) -> list[Finding]:
    """Findings of the target rules from progress rows alone (pure; default settings)."""
    inp = CheckInput(cat, None, period, rows[0].unit if rows else "", rows[0].unit if rows else "", rows,
                     None, {}, {}, date.today())
    findings = [f for rule in (targets.below_minimum, targets.above_ceiling, targets.behind_pace)
                for f in rule(inp) if f.rule not in cat.indicators[f.indicator].checks_off]
    return _sorted(cat, findings)


def run_checks(store: Store, unit: str, period: Period | str, today: date | None = None,
               state=None) -> list[Finding]:
    """All findings for a unit and period, explained ones marked as such (`state`: see `gather`)."""
    from .check_status import mark_explained

    inp = gather(store, unit, period, today, state)
    return mark_explained(store, check_input(inp))
