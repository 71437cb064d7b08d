"""What people decide about findings: explanations (who, when, why) and periods marked
complete ("hoàn thành"), which is refused while an open error remains.

An explanation belongs to a unit, period, rule and indicator; it is kept in the database
with the figures and turns the matching finding from "open" into "explained".
"""

from __future__ import annotations

from datetime import date

from .errors import InputError
from .users import current_user
from .findings import Finding, summary_text
from .limits import MAX_REASON_CHARS, check_length
from .organisation import organisation
from .periods import Period, parse_period
from .store import Store, now_iso
from .text import clean_text


def _unit_and_period(store: Store, unit: str, period: Period | str) -> tuple[str, Period]:
    if isinstance(period, str):
        period = parse_period(period)
    figure_unit, _ = organisation(store).figure_unit(unit, period)
    return figure_unit.code, period


def explanations(store: Store, unit: str, period: str) -> dict[tuple[str, str], dict]:
    """(rule, indicator) -> the explanation row, for one unit and period."""
    rows = store.query("SELECT * FROM check_explanations WHERE unit = ? AND period = ?", (unit, period))
    return {(r["rule"], r["indicator"]): r for r in rows}


def mark_explained(store: Store, findings: list[Finding]) -> list[Finding]:
    """Copy the stored explanations onto the findings they belong to."""
    cache: dict[tuple[str, str], dict] = {}
    for finding in findings:
        where = (finding.unit, finding.period)
        if where not in cache:
            cache[where] = explanations(store, *where)
        row = cache[where].get((finding.rule, finding.subject))
        if row is not None:
            finding.status = "explained"
            finding.explanation = row["reason"]
            finding.acknowledged_by = row["explained_by"]
            finding.acknowledged_at = row["explained_at"]
    return findings


def acknowledge(store: Store, unit: str, period: Period | str, rule: str, indicator: str, reason: str, *,
                user: str | None = None, today: date | None = None) -> Finding:
    """Explain a current finding (one transaction); InputError if there is no such finding.

    `indicator` is the finding's subject: its indicator, or the report part of a text finding
    that names no indicator (`Finding.subject`)."""
    from .checks import run_checks

    reason = clean_text(reason, field="lời giải trình") or ""
    if not reason.strip():
        raise InputError("Hãy ghi lời giải trình (lý do) cho phát hiện này.")
    check_length(reason, MAX_REASON_CHARS, "lời giải trình")
    unit_code, period = _unit_and_period(store, unit, period)
    findings = run_checks(store, unit, period, today=today)
    match = next((f for f in findings if f.rule == rule and f.subject == indicator), None)
    if match is None:
        raise InputError(f"Không có phát hiện “{rule}” cho chỉ tiêu “{indicator}” của kỳ {period.label} "
                         "(xem danh sách bằng lệnh “check”).")
    user = user or current_user()
    stamp = now_iso()
    with store.write() as conn:
        conn.execute("""INSERT INTO check_explanations (unit, period, rule, indicator, reason, explained_by, explained_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (unit, period, rule, indicator) DO UPDATE SET reason = excluded.reason,
                          explained_by = excluded.explained_by, explained_at = excluded.explained_at""",
                     (unit_code, period.code, rule, indicator, reason, user, stamp))
    match.status, match.explanation, match.acknowledged_by, match.acknowledged_at = "explained", reason, user, stamp
    return match


def completion(store: Store, unit: str, period: Period | str) -> dict | None:
    """Who marked the period complete for the unit, and when (None if not complete)."""
    unit_code, period = _unit_and_period(store, unit, period)
    rows = store.query("SELECT * FROM period_completions WHERE unit = ? AND period = ?", (unit_code, period.code))
    return rows[0] if rows else None


def complete_period(store: Store, unit: str, period: Period | str, *, user: str | None = None,
                    today: date | None = None) -> list[Finding]:
    """Mark the period complete for the unit; InputError (nothing written) while open errors remain.

    Returns the findings, all errors among them explained.
    """
    from .checks import run_checks

    unit_code, period = _unit_and_period(store, unit, period)
    findings = run_checks(store, unit, period, today=today)
    open_errors = [f for f in findings if f.is_open_error]
    if open_errors:
        listed = "; ".join(f"{f.rule} / {f.indicator}" for f in open_errors[:5])
        more = f" và {len(open_errors) - 5} lỗi khác" if len(open_errors) > 5 else ""
        raise InputError(f"Chưa thể hoàn thành {period.label}: còn {len(open_errors)} lỗi chưa sửa hoặc giải trình "
                         f"({listed}{more}).")
    with store.write() as conn:
        conn.execute("""INSERT INTO period_completions (unit, period, completed_by, completed_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (unit, period) DO UPDATE SET completed_by = excluded.completed_by,
                          completed_at = excluded.completed_at""",
                     (unit_code, period.code, user or current_user(), now_iso()))
    return findings


__all__ = ["acknowledge", "complete_period", "completion", "explanations", "mark_explained", "summary_text"]
