"""Narrative text: a sector's paragraphs and the report's other parts, per unit and period.

Parts are the catalogue's sector codes plus the report's own parts below. Every change is
kept in `narrative_history`.
"""

from __future__ import annotations

from .catalogue import catalogue
from .errors import InputError
from .users import current_user
from .limits import MAX_NARRATIVE_CHARS, check_length
from .locks import refuse_locked
from .organisation import organisation
from .periods import Period, parse_period
from .store import Store, now_iso
from .text import clean_text, nfc

REPORT_PARTS = {
    "ket_qua": "Kết quả đạt được",
    "han_che": "Hạn chế, vướng mắc",
    "nguyen_nhan": "Nguyên nhân",
    "nhiem_vu": "Nhiệm vụ, giải pháp trọng tâm kỳ tới",
    "ket_luan": "Câu kết (Trên đây là báo cáo ...)",
}


def part_label(store: Store, part: str) -> str:
    cat = catalogue(store)
    if part in cat.sectors:
        return cat.sectors[part].name
    if part in REPORT_PARTS:
        return REPORT_PARTS[part]
    known = ", ".join(list(REPORT_PARTS) + list(cat.sectors))
    raise InputError(f"Không có phần báo cáo “{part}” (có: {known}).")


def set_narrative(store: Store, unit: str, period: Period | str, part: str, text: str, *,
                  user: str | None = None, draft: str | None = None) -> int:
    """Save the text of one part (one transaction, with history); return 1 if it changed.

    `draft` is the text drafted from the figures that the official started from (see
    `drafting.save_part`); it is recorded with the text so later drafts only offer what is new.
    """
    if isinstance(period, str):
        period = parse_period(period)
    unit_code = organisation(store).unit(unit).code
    part_label(store, part)
    text = check_length(clean_text(text, field="nội dung") or "", MAX_NARRATIVE_CHARS, "nội dung")
    user = user or current_user()
    with store.write() as conn:
        for month in period.months:
            refuse_locked(conn, unit_code, month)
        row = conn.execute("SELECT text, version FROM narratives WHERE unit = ? AND period = ? AND part = ?",
                           (unit_code, period.code, part)).fetchone()
        if draft is not None:
            conn.execute("""INSERT INTO narrative_drafts (unit, period, part, text, drafted_at) VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT (unit, period, part) DO UPDATE SET text = excluded.text,
                            drafted_at = excluded.drafted_at""", (unit_code, period.code, part, nfc(draft), now_iso()))
        if row is not None and row["text"] == text:
            return 0
        version = (row["version"] if row else 0) + 1
        record = (unit_code, period.code, part, text, user, now_iso(), version)
        conn.execute("""INSERT INTO narratives (unit, period, part, text, edited_by, edited_at, version)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit, period, part) DO UPDATE SET
                        text = excluded.text, edited_by = excluded.edited_by, edited_at = excluded.edited_at,
                        version = excluded.version""", record)
        conn.execute("""INSERT INTO narrative_history (unit, period, part, text, edited_by, edited_at, version)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""", record)
    return 1


def narratives(store: Store, unit: str, period: Period | str) -> dict[str, str]:
    if isinstance(period, str):
        period = parse_period(period)
    rows = store.query("SELECT part, text FROM narratives WHERE unit = ? AND period = ?", (unit, period.code))
    return {row["part"]: row["text"] for row in rows}


def report_parts(store: Store) -> list[tuple[str, str]]:
    """(part, label) of every part of the report, in its order: the sectors, then its own parts."""
    cat = catalogue(store)
    return [(code, sector.name) for code, sector in cat.sectors.items()] + list(REPORT_PARTS.items())


def text_only_parts(store: Store, unit: str) -> list[tuple[str, str]]:
    """(part, label) of the parts written as text alone, in the report's order: the sectors without
    indicators (a department: among its own sectors), then the report's own parts (assessment,
    causes, next tasks), which the consolidating unit writes, not a department."""
    cat, reporter = catalogue(store), organisation(store).unit(unit)
    own = set(reporter.sectors) if reporter.is_department and reporter.sectors else None
    parts = [(code, sector.name) for code, sector in cat.sectors.items()
             if not cat.in_sector(code) and (own is None or code in own)]
    if not reporter.is_department:
        parts += list(REPORT_PARTS.items())
    return parts
