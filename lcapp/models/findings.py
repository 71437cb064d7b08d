"""Findings of the figure checks and their one-line summary ("3 lỗi, 5 cảnh báo, 2 lưu ý").

A finding has a severity (error = lỗi, must be fixed or explained before the period is
complete; warning = cảnh báo; note = lưu ý), the rule that raised it, the indicator, unit
and period, a Vietnamese message with the numbers in it, and the numbers themselves; a
finding about the report's text also names the part and quotes the words. Once explained
(who, when, why) it is listed with status "explained" instead of "open".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "note")
SEVERITY_LABELS = {"error": "lỗi", "warning": "cảnh báo", "note": "lưu ý"}
STATUSES = ("open", "explained")
STATUS_LABELS = {"open": "chưa xử lý", "explained": "đã giải trình"}


@dataclass
class Finding:
    severity: str
    rule: str
    indicator: str
    unit: str
    period: str
    message: str
    values: dict = field(default_factory=dict)
    status: str = "open"
    explanation: str | None = None
    acknowledged_by: str | None = None
    acknowledged_at: str | None = None
    part: str = ""  # the report part whose text a text check quotes ("" for the figure checks)
    quote: str = ""  # the words quoted from that text

    @property
    def subject(self) -> str:
        """What the finding is about: its indicator, or for a text finding without one, its part."""
        return self.indicator or self.part

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What an explanation is attached to."""
        return (self.unit, self.period, self.rule, self.subject)

    @property
    def is_open_error(self) -> bool:
        return self.severity == "error" and self.status == "open"

    def as_json(self) -> dict:
        return asdict(self)


def summary_text(findings: list[Finding]) -> str:
    """"3 lỗi, 5 cảnh báo, 2 lưu ý" over the open findings, then how many are explained."""
    open_ = [f for f in findings if f.status == "open"]
    counts = [(sum(1 for f in open_ if f.severity == s), SEVERITY_LABELS[s]) for s in SEVERITIES]
    parts = [f"{n} {label}" for n, label in counts if n]
    text = ", ".join(parts) if parts else "Không có lỗi, cảnh báo hay lưu ý nào"
    explained = len(findings) - len(open_)
    if explained:
        text += f" (và {explained} đã giải trình)"
    return text
