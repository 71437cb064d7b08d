"""Figures: one value per indicator x unit x month, entered as the month's value, the
year-to-date or the term-to-date, with status, comment, who and when.

Every change writes a new version of the row and a snapshot of it in `figure_history`
in the same transaction, so any value can be traced back through all its versions.
A change that changes nothing writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .catalogue import Catalogue, Indicator, catalogue
from .errors import InputError
from .limits import MAX_COMMENT_CHARS, check_length, check_value
from .locks import refuse_locked
from .numbers import format_number
from .organisation import Organisation, organisation
from .periods import Period, parse_month, period_of_month_key
from .store import Store, now_iso
from .text import clean_text
from .users import current_user

BASES = ("month", "ytd", "term")
BASIS_COLUMNS = {"month": "month_value", "ytd": "ytd_value", "term": "term_value"}
BASIS_LABELS = {"month": "số tháng", "ytd": "lũy kế", "term": "lũy kế giai đoạn"}
STATUSES = ("estimate", "official")
STATUS_LABELS = {"estimate": "ước", "official": "chính thức"}
VALUE_FIELDS = ("month_value", "ytd_value", "term_value")
FIELDS = VALUE_FIELDS + ("status", "comment")


def default_status(period: Period, today: date | None = None) -> str:
    """Figures entered up to the period's cut-off are estimates ("ước"); later ones official."""
    today = today or date.today()
    return "estimate" if today <= period.cutoff_window()[1] else "official"


@dataclass(frozen=True)
class FigureChange:
    """A validated change to one figure, ready to be written."""

    unit: str
    month: int
    indicator: str
    reporter: str
    values: dict  # subset of FIELDS -> new value (None clears a value)


def basis_column(indicator: Indicator, basis: str | None) -> str:
    """The column a value typed on `basis` goes to; stocks and rates have one level only."""
    basis = basis or indicator.entry
    if basis not in BASES:
        raise InputError(f"Cách nhập “{basis}” không hợp lệ (month, ytd hoặc term).")
    if indicator.kind != "flow":
        if basis == "term":
            raise InputError(f"“{indicator.name}” là chỉ tiêu {'thời điểm' if indicator.kind == 'stock' else 'tỷ lệ'}: "
                             "không có lũy kế giai đoạn.")
        return "month_value"
    return BASIS_COLUMNS[basis]


def prepare_change(cat: Catalogue, org: Organisation, reporter_code: str, period: Period | str,
                   indicator_code: str, *, value: float | None = None, basis: str | None = None,
                   clear: bool = False, status: str | None = None, comment: str | None = None) -> FigureChange:
    """Validate one change (pure: reads nothing from the database); InputError says why not."""
    if isinstance(period, str):
        period = parse_month(period)
    elif not period.is_month:
        raise InputError(f"Số liệu được nhập theo tháng, không nhập cho {period.label}.")
    unit, reporter = org.figure_unit(reporter_code, period)
    indicator = cat.indicator(indicator_code)
    if not indicator.valid_during(period):
        raise InputError(f"Chỉ tiêu “{indicator.name}” không áp dụng trong {period.label} (áp dụng "
                         f"{indicator.validity_text()}); không nhập số liệu cho kỳ này.")
    if indicator.derived:
        raise InputError(f"“{indicator.name}” được tính theo công thức ({indicator.formula}); không nhập trực tiếp.")
    # A department's sectors name exactly where it reports: a group sector such as
    # "kinh_te" covers the indicators attached to it, not those of its sub-sectors.
    if reporter.is_department and reporter.sectors:
        if indicator.sector not in reporter.sectors:
            raise InputError(f"{reporter.name} không phụ trách lĩnh vực của chỉ tiêu “{indicator.name}”.")
    values: dict = {}
    if clear:
        if basis is None:
            values.update({column: None for column in VALUE_FIELDS})
        else:
            values[basis_column(indicator, basis)] = None
    elif value is not None:
        values[basis_column(indicator, basis)] = check_value(value, f"Giá trị của “{indicator.name}”")
    if status is not None:
        if status not in STATUSES:
            raise InputError(f"Trạng thái “{status}” không hợp lệ (estimate = ước, official = chính thức).")
        values["status"] = status
    if comment is not None:
        values["comment"] = check_length(clean_text(comment, field="ghi chú") or "", MAX_COMMENT_CHARS, "ghi chú")
    if not values:
        raise InputError("Không có gì để ghi: hãy nhập giá trị, trạng thái hoặc ghi chú.")
    return FigureChange(unit.code, period.start_key, indicator.code, reporter.code, values)


def apply_changes(store: Store, changes: list[FigureChange], *, user: str | None = None,
                  action: str = "set", default_status_for=None) -> int:
    """Write changes in one transaction; return how many figures actually changed.

    `default_status_for(month_key)` gives the status of a new figure that names none
    (default: by the period's cut-off). A change to a locked unit-month refuses the whole
    batch (InputError, nothing written).
    """
    user = user or current_user()
    origin = store.installation_id
    stamp = now_iso()
    changed = 0
    with store.write() as conn:
        for change in changes:
            refuse_locked(conn, change.unit, change.month)
            row = conn.execute("SELECT * FROM figures WHERE unit = ? AND month = ? AND indicator = ?",
                               (change.unit, change.month, change.indicator)).fetchone()
            if row is None:
                current = {f: None for f in VALUE_FIELDS}
                current["comment"] = ""
                status_for = default_status_for or (lambda key: default_status(period_of_month_key(key)))
                current["status"] = status_for(change.month)
                version = 0
            else:
                current = {f: row[f] for f in FIELDS}
                version = row["version"]
            merged = dict(current, **change.values)
            if row is not None and all(merged[f] == current[f] for f in FIELDS):
                continue
            if row is None and all(merged[f] is None for f in VALUE_FIELDS) and not merged["comment"]:
                continue  # clearing what was never there
            record = (change.unit, change.month, change.indicator, merged["month_value"], merged["ytd_value"],
                      merged["term_value"], merged["status"], merged["comment"], user, stamp,
                      change.reporter, origin, version + 1)
            conn.execute(
                """INSERT INTO figures (unit, month, indicator, month_value, ytd_value, term_value, status,
                                        comment, entered_by, entered_at, reporter, origin, version)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (unit, month, indicator) DO UPDATE SET
                     month_value = excluded.month_value, ytd_value = excluded.ytd_value,
                     term_value = excluded.term_value, status = excluded.status, comment = excluded.comment,
                     entered_by = excluded.entered_by, entered_at = excluded.entered_at,
                     reporter = excluded.reporter, origin = excluded.origin, version = excluded.version""",
                record)
            is_clear = all(merged[f] is None for f in VALUE_FIELDS)
            conn.execute(
                """INSERT INTO figure_history (unit, month, indicator, month_value, ytd_value, term_value,
                       status, comment, entered_by, entered_at, reporter, origin, version, action)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                record + ("clear" if is_clear else action,))
            changed += 1
    return changed


def enter(store: Store, reporter: str, period: Period | str, indicator: str, value: float | None = None, *,
          basis: str | None = None, clear: bool = False, status: str | None = None,
          comment: str | None = None, user: str | None = None) -> int:
    """Validate and save one figure (or its status/comment); return 1 if it changed, else 0."""
    change = prepare_change(catalogue(store), organisation(store), reporter, period, indicator, value=value,
                            basis=basis, clear=clear, status=status, comment=comment)
    return apply_changes(store, [change], user=user)


def history(store: Store, unit: str, period: Period | str, indicator: str) -> list[dict]:
    """Every version of one figure, oldest first."""
    if isinstance(period, str):
        period = parse_month(period)
    org, cat = organisation(store), catalogue(store)
    unit_code = org.unit(unit).code
    if org.units[unit_code].is_department:
        unit_code = org.units[unit_code].reports_for
    cat.indicator(indicator)
    return store.query(
        """SELECT version, action, month_value, ytd_value, term_value, status, comment, entered_by,
                  entered_at, reporter, origin
           FROM figure_history WHERE unit = ? AND month = ? AND indicator = ? ORDER BY version, id""",
        (unit_code, period.start_key, indicator))
