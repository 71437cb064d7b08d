"""Importing a checked handover package: a dry-run preview, then one transaction that applies it.

Every incoming figure, narrative and target is compared with the office's own row and
with the version last seen from the sending installation (`handover_seen`):

- new: the office has no such row;
- identical: same content (nothing written);
- changed: changed there since the last exchange and not here (taken);
- older: the package is not newer than what was already seen, or only this office
  changed the row since (kept as is: an old package never overwrites newer figures);
- conflict: changed on both sides since the last exchange (or, never exchanged, entered
  by different installations): decided per row or for all, ours or theirs, and both
  versions stay in history;
- refused: the unit-month is locked (khóa số liệu), the indicator is not valid in that month
  here, or (a catalogue package) the catalogue may not be taken: the reason says which.

Importing the same package twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from . import signing
from .catalogue import catalogue, validity_text
from .catalogue_package import CATALOGUE_KIND, apply_catalogue, classify_catalogue
from .catalogue_package import describe_row as describe_catalogue_row
from .errors import InputError
from .users import current_user
from .locks import locked_months, month_label
from .organisation import organisation
from .package_check import Package
from .periods import parse_period
from .store import Store, now_iso

NEW, IDENTICAL, CHANGED, OLDER, CONFLICT, REFUSED = "new", "identical", "changed", "older", "conflict", "refused"
STATUS_LABELS = {NEW: "mới", IDENTICAL: "trùng", CHANGED: "thay đổi", OLDER: "cũ hơn, giữ số đã có",
                 CONFLICT: "xung đột", REFUSED: "từ chối"}
SENDER_LABELS = {"known": "đúng máy gửi đã biết", "self": "do chính máy này xuất",
                 "unknown": "máy gửi chưa biết", "different": "khác máy gửi đã biết",
                 "new_key": "máy gửi đã biết, lần đầu gửi gói có chữ ký",
                 "unsigned": "máy gửi không ký gói (gói của LCApp phiên bản cũ, không có chữ ký)",
                 "key_changed": "máy gửi đã đổi khóa ký (đã xác nhận đổi khóa)"}
LOCKED_WORDS = "đã khóa số liệu"  # the end of a refused row's reason when its month is locked


def locked_reason(month: int) -> str:
    return f"{month_label(month)} {LOCKED_WORDS}"


# Statuses a person must accept before anything is written (the key is pinned then).
NEEDS_ACCEPTANCE = ("unknown", "different", "new_key", "unsigned", "key_changed")
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    history: str
    key: tuple[str, ...]
    content: tuple[str, ...]
    meta: tuple[str, ...]
    who: str
    when: str


KINDS = (
    Kind("figure", "figures", "figure_history", ("unit", "month", "indicator"),
         ("month_value", "ytd_value", "term_value", "status", "comment"),
         ("entered_by", "entered_at", "reporter", "origin"), "entered_by", "entered_at"),
    Kind("narrative", "narratives", "narrative_history", ("unit", "period", "part"), ("text",),
         ("edited_by", "edited_at"), "edited_by", "edited_at"),
    Kind("target", "targets", "target_history", ("unit", "period", "indicator", "source"),
         ("value", "low", "high", "cumulative", "note"), ("entered_by", "entered_at"), "entered_by", "entered_at"),
)


@dataclass
class PreviewRow:
    kind: str
    key: list
    status: str
    old: dict | None
    new: dict
    who: str
    when: str
    reason: str = ""
    base: list | None = None  # (their version, our version) at the last exchange, if any
    key_text: str = ""  # the key as `handover_seen` and `decisions` name it: "p_tan_phong|202405|tm_ban_le"

    def __post_init__(self):
        if not self.key_text:
            self.key_text = key_text(self.key)


def key_text(key: list) -> str:
    """Keys are catalogue codes and month numbers, checked before any merge, so "|" cannot occur in them."""
    return "|".join(map(str, key))


@dataclass
class Preview:
    """What an import would do, row by row; nothing has been written."""

    source: str  # "package", "database" or "file" (CSV / DHIS2)
    sender: str
    unit: str  # the units taken, comma-separated
    months: list[int]
    sender_status: str
    known_sender: str | None
    rows: list[PreviewRow] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)  # every unit the file has figures or texts of -> figures
    setting_unit: str = ""  # a whole database: the unit its own setting names

    def counts(self) -> dict[str, int]:
        result = {status: 0 for status in STATUS_LABELS}
        for row in self.rows:
            result[row.status] += 1
        return result

    @property
    def conflicts(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.status == CONFLICT]

    @property
    def needs_sender_acceptance(self) -> bool:
        return self.sender_status in NEEDS_ACCEPTANCE

    def as_json(self) -> dict:
        return {"source": self.source, "sender": self.sender, "unit": self.unit, "months": self.months,
                "sender_status": self.sender_status, "known_sender": self.known_sender, "counts": self.counts(),
                "held": self.held, "setting_unit": self.setting_unit,
                "rows": [asdict(row) for row in self.rows if row.status != IDENTICAL]}


@dataclass
class ImportResult:
    written: dict[str, int]  # status -> rows written
    conflicts_left: list[PreviewRow]
    preview: Preview


def _sender_status(store: Store, package: Package, *, accept_new_key: bool = False) -> tuple[str, str | None]:
    """Who sent `package`, as far as keys tell: a status of SENDER_LABELS and the installation known
    to send for its unit. InputError (nothing written) for this office's own id not signed by this
    office, and for a sender whose pinned key is not the one that signed (unless `accept_new_key`)."""
    conn, own, key = store.conn, store.installation_id, package.public_key
    private = store.meta(signing.KEY_META)  # none yet in a database of an older version: it signed nothing
    own_key = signing.public_key_of(private) if private else None
    if package.sender == own or (key and key == own_key):
        if package.sender == own and key == own_key:
            return "self", own
        raise InputError(f"Tệp {package.path.name} bị từ chối: tệp mang mã cài đặt hoặc khóa ký của chính máy này "
                         "nhưng không do máy này tạo ra (có thể đã bị làm giả). Dữ liệu của cơ quan không thay đổi.")
    pinned = conn.execute("SELECT public_key FROM sender_keys WHERE installation = ?", (package.sender,)).fetchone()
    if pinned is not None and key != pinned[0]:
        if not key:
            raise InputError(f"Tệp {package.path.name} bị từ chối: máy gửi (mã {package.sender[:8]}…) đã ký mọi gói "
                             "trước đây, gói này lại không có chữ ký (có thể đã bị làm giả). Dữ liệu không thay đổi.")
        if not accept_new_key:
            raise InputError(
                f"Tệp {package.path.name} bị từ chối: khóa ký của máy gửi (mã {package.sender[:8]}…) đã thay đổi "
                f"(trước đây {signing.fingerprint(pinned[0])}, nay {signing.fingerprint(key)}). Gói có thể đã bị làm "
                "giả; nếu đơn vị xác nhận máy đã cài lại, cán bộ kỹ thuật nhập lại với --accept-new-key. "
                "Dữ liệu không thay đổi.")
        return "key_changed", package.sender
    # The most doubtful standing over the units it carries (an office's whole database may hold several).
    status, known = max((_unit_sender(conn, unit, package.sender, pinned is not None) for unit in package.units),
                        key=lambda found: SENDER_DOUBT.index(found[0]))
    return ("unsigned", known) if not key else (status, known)


SENDER_DOUBT = ("known", "new_key", "unknown", "different")


def _unit_sender(conn, unit: str, sender: str, key_pinned: bool) -> tuple[str, str | None]:
    """The sender's standing for one unit: the installation this office knows sends for it."""
    row = conn.execute("SELECT installation FROM unit_senders WHERE unit = ?", (unit,)).fetchone()
    known = row[0] if row else None
    if known is None:
        return "unknown", None
    if known != sender:
        return "different", known
    return ("known" if key_pinned else "new_key"), known


def _locked_month_of(kind: Kind, row: dict, locked: set[int]) -> int | None:
    if kind.name == "figure":
        return row["month"] if row["month"] in locked else None
    if kind.name == "narrative":
        hit = [m for m in parse_period(row["period"]).months if m in locked]
        return hit[0] if hit else None
    return None


def _office_rows(conn, kind: Kind, package: Package, incoming: list[dict]) -> tuple[dict, dict]:
    """The office's rows and exchange marks that the incoming rows can touch (read only those)."""
    cols = ", ".join(kind.key + kind.content + kind.meta + ("version",))
    local, seen = {}, {}
    for unit in package.units:
        where, params, low, high = "", (), "", "\U0010ffff"
        if kind.name == "figure":
            months = [r["month"] for r in incoming if r["unit"] == unit]
            if not months:
                continue
            where, params = "WHERE unit = ? AND month BETWEEN ? AND ?", (unit, min(months), max(months))
            low, high = f"{unit}|{min(months)}|", f"{unit}|{max(months)}|\U0010ffff"
        elif kind.name in ("narrative", "target"):
            where, params = "WHERE unit = ?", (unit,)
            low, high = f"{unit}|", f"{unit}|\U0010ffff"
        local.update({tuple(r[k] for k in kind.key): dict(r)
                      for r in conn.execute(f"SELECT {cols} FROM {kind.table} {where}", params)})
        seen.update({r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT key, their_version, our_version FROM handover_seen WHERE sender = ? AND kind = ? "
            "AND key BETWEEN ? AND ?", (package.sender, kind.name, low, high))})
    return local, seen


def classify(conn, package: Package, own: str) -> list[PreviewRow]:
    """Compare every incoming row with the office's; reads only."""
    locked = {unit: locked_months(conn, unit) for unit in package.units}
    result = classify_catalogue(conn, package)
    validity = _indicator_validity(conn)
    for kind in KINDS:
        incoming = package.rows.get(kind.table, [])
        if not incoming:
            continue
        local, seen = _office_rows(conn, kind, package, incoming)
        for row in incoming:
            key = [row[k] for k in kind.key]
            mine = local.get(tuple(key))
            new = {c: row[c] for c in kind.content + kind.meta + ("version",)}
            old = None if mine is None else {c: mine[c] for c in kind.content + kind.meta + ("version",)}
            text = key_text(key)
            base = seen.get(text)
            status, reason = _status(kind, row, mine, base, own)
            month = _locked_month_of(kind, row, locked.get(row.get("unit"), set()))
            if month is not None and status not in (IDENTICAL, OLDER):
                status, reason = REFUSED, locked_reason(month)
            elif kind.name == "figure" and status not in (IDENTICAL, OLDER):
                status, reason = _refused_outside_validity(validity, row, status, reason)
            result.append(PreviewRow(kind.name, key, status, old, new, row[kind.who], row[kind.when], reason,
                                     list(base) if base else None, text))
    return result


def _indicator_validity(conn) -> dict[str, tuple[int | None, int | None]]:
    return {row[0]: (row[1], row[2]) for row in conn.execute("SELECT code, valid_from, valid_to FROM indicators")}


def _refused_outside_validity(validity: dict, row: dict, status: str, reason: str) -> tuple[str, str]:
    """A figure for a month in which this office's catalogue does not have its indicator is refused."""
    first, last = validity.get(row["indicator"], (None, None))
    if (first is not None and row["month"] < first) or (last is not None and row["month"] > last):
        return REFUSED, (f"chỉ tiêu không áp dụng trong {month_label(row['month'])} theo danh mục ở đây "
                         f"(áp dụng {validity_text(first, last)})")
    return status, reason


def _status(kind: Kind, theirs: dict, mine: dict | None, base: tuple[int, int] | None, own: str) -> tuple[str, str]:
    if mine is None:
        return NEW, ""
    if all(theirs[c] == mine[c] for c in kind.content):
        return IDENTICAL, ""
    if base is not None:
        their_seen, our_seen = base
        changed_there = theirs["version"] > their_seen
        changed_here = mine["version"] > our_seen
        if not changed_there:
            return OLDER, "gói không mới hơn lần nhận trước"
        if not changed_here:
            return CHANGED, ""
        return CONFLICT, "cả hai nơi đều sửa từ lần trao đổi trước"
    # Never exchanged with this sender: a row entered by the same installation on both
    # sides is simply older or newer; rows from different hands are a conflict.
    if kind.name == "figure" and theirs["origin"] == mine["origin"] and theirs["origin"] != own:
        if theirs["entered_at"] > mine["entered_at"]:
            return CHANGED, ""
        return OLDER, "số đã có mới hơn số trong gói"
    return CONFLICT, "số đã có do nơi khác nhập, khác số trong gói"


def preview(store: Store, package: Package, *, accept_new_key: bool = False) -> Preview:
    """What importing `package` would do (dry run: reads only); InputError when the sender's key says
    it is forged."""
    conn = store.conn
    sender_status, known = _sender_status(store, package, accept_new_key=accept_new_key)
    rows = classify(conn, package, store.installation_id)
    return Preview(package.kind, package.sender, package.unit, package.months, sender_status, known, rows,
                   package.held, package.setting_unit)


def apply_package(store: Store, package: Package, *, take: str | None = None,
                  decisions: dict[str, str] | None = None, accept_sender: bool = False, user: str | None = None,
                  progress: Progress | None = None, accept_new_key: bool = False) -> ImportResult:
    """Apply `package` in one transaction; conflicts not decided (per row or by `take`) stay and are returned.

    `decisions` maps f"{row.kind}:{row.key_text}" of a conflict row to "ours" or "theirs".
    Accepting the sender pins its key; `accept_new_key` replaces a pinned key that changed.
    """
    if take not in (None, "ours", "theirs"):
        raise InputError(f"Cách giải quyết xung đột “{take}” không hợp lệ (ours hoặc theirs).")
    decisions = decisions or {}
    report = progress or (lambda done, total, text: None)
    user = user or current_user()
    own = store.installation_id
    stamp = now_iso()
    written = {NEW: 0, CHANGED: 0, "theirs": 0, "ours": 0, "seen": 0, "history": 0}
    left: list[PreviewRow] = []
    with store.write() as conn:
        sender_status, known = _sender_status(store, package, accept_new_key=accept_new_key)
        if sender_status in NEEDS_ACCEPTANCE and not (accept_sender or accept_new_key):
            raise InputError(_sender_message(store, package, sender_status, known))
        accepted = [unit for unit in package.units
                    if _unit_sender(conn, unit, package.sender, True)[0] != "known"] \
            if sender_status in NEEDS_ACCEPTANCE else []
        rows = classify(conn, package, own)
        result_preview = Preview(package.kind, package.sender, package.unit, package.months, sender_status, known,
                                 rows, package.held, package.setting_unit)
        kinds = {kind.name: kind for kind in KINDS}
        upserts = {kind.name: [] for kind in KINDS}
        histories = {kind.name: [] for kind in KINDS}
        seen_marks = []
        catalogue_changes = apply_catalogue(conn, package, rows, user)
        if catalogue_changes:
            written[CATALOGUE_KIND] = catalogue_changes
        for number, row in enumerate(rows):
            if number % 2000 == 0:
                report(number, len(rows), "Đang nhập số liệu")
            if row.kind == CATALOGUE_KIND:
                continue
            kind = kinds[row.kind]
            choice = None
            if row.status == CONFLICT:
                choice = decisions.get(f"{row.kind}:{row.key_text}", take)
                if choice is None:
                    left.append(row)
                    continue
            values = row.key + [row.new[c] for c in kind.content + kind.meta]
            if row.status in (NEW, CHANGED) or choice == "theirs":
                ours = (row.old["version"] if row.old else 0) + 1
                upserts[kind.name].append(values + [ours])
                action = ["import" if choice is None else "import-theirs"] if kind.name == "figure" else []
                histories[kind.name].append(values + [ours] + action)
                written[choice or row.status] += 1
            elif choice == "ours":
                # Ours stays; theirs goes into history beside it, marked as not taken.
                ours = row.old["version"]
                histories[kind.name].append(values + [ours] + (["import-not-taken"] if kind.name == "figure" else []))
                written["ours"] += 1
            elif row.status == IDENTICAL:
                ours = row.old["version"]
            else:
                continue
            if row.base != [row.new["version"], ours]:
                seen_marks.append((package.sender, kind.name, row.key_text, row.new["version"], ours))
        for kind in KINDS:
            columns = kind.key + kind.content + kind.meta + ("version",)
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in kind.key)
            conn.executemany(f"INSERT INTO {kind.table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                             f"ON CONFLICT ({', '.join(kind.key)}) DO UPDATE SET {updates}", upserts[kind.name])
            columns += ("action",) if kind.name == "figure" else ()
            conn.executemany(f"INSERT INTO {kind.history} ({', '.join(columns)}) "
                             f"VALUES ({', '.join('?' * len(columns))})", histories[kind.name])
        conn.executemany("""INSERT INTO handover_seen (sender, kind, key, their_version, our_version)
                            VALUES (?, ?, ?, ?, ?) ON CONFLICT (sender, kind, key) DO UPDATE SET
                            their_version = excluded.their_version, our_version = excluded.our_version""", seen_marks)
        written["seen"] = len(seen_marks)
        for kind in KINDS:
            items = package.tuples.get(kind.history, [])
            if not items:
                continue
            # The record is the row's values as a JSON array in the package's column order
            # (PACKAGE_TABLES, "id" first), built by SQLite's json_array.
            width = len(items[0])
            before = conn.total_changes
            conn.executemany("INSERT OR IGNORE INTO received_history (sender, kind, their_id, record) "
                             f"VALUES (?, ?, ?, json_array({', '.join('?' * width)}))",
                             ((package.sender, kind.name, item[0], *item) for item in items))
            written["history"] += conn.total_changes - before
        if sender_status in NEEDS_ACCEPTANCE and package.public_key:
            conn.execute("""INSERT INTO sender_keys (installation, public_key, accepted_by, accepted_at)
                            VALUES (?, ?, ?, ?) ON CONFLICT (installation) DO UPDATE SET
                            public_key = excluded.public_key, accepted_by = excluded.accepted_by,
                            accepted_at = excluded.accepted_at""", (package.sender, package.public_key, user, stamp))
        conn.executemany("""INSERT INTO unit_senders (unit, installation, accepted_by, accepted_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT (unit) DO UPDATE SET installation = excluded.installation,
                            accepted_by = excluded.accepted_by, accepted_at = excluded.accepted_at""",
                         [(unit, package.sender, user, stamp) for unit in accepted])
        if any(written.values()):
            conn.execute("""INSERT OR IGNORE INTO handover_log (direction, sha256, sender, unit, periods,
                                history_upto, user, at, summary) VALUES ('import', ?, ?, ?, ?, 0, ?, ?, ?)""",
                         (package.sha256, package.sender, package.unit, json.dumps(package.months), user, stamp,
                          json.dumps(written)))
    report(len(rows), len(rows), "Xong")
    return ImportResult(written, left, result_preview)


def known_senders(store: Store) -> list[dict]:
    """Which installation sends for which unit, and who accepted it when."""
    return store.query("SELECT unit, installation, accepted_by, accepted_at FROM unit_senders ORDER BY unit")


def _sender_message(store: Store, package: Package, status: str, known: str | None) -> str:
    org = organisation(store)
    name = ", ".join(org.units[unit].name if unit in org.units else unit for unit in package.units)
    if status == "unknown":
        return (f"Gói số liệu của {name} đến từ máy chưa từng gửi cho đơn vị này (mã {package.sender[:8]}…). "
                "Hãy xem trước, rồi xác nhận nhận gói từ máy này; chưa có gì được ghi.")
    if status in ("new_key", "unsigned", "key_changed"):
        return (f"Gói số liệu của {name}: {SENDER_LABELS[status]} (mã máy {package.sender[:8]}…). Hãy hỏi lại đơn "
                "vị, xem trước rồi xác nhận nhận gói; chưa có gì được ghi.")
    return (f"Gói số liệu của {name} đến từ máy khác với máy vẫn gửi (mã {package.sender[:8]}…, "
            f"trước nay là {(known or '')[:8]}…). Hãy kiểm tra với đơn vị rồi xác nhận; chưa có gì được ghi.")


def describe(store: Store, row: PreviewRow) -> str:
    """One Vietnamese line for a preview row, for the command line and logs."""
    cat = catalogue(store)
    if row.kind == CATALOGUE_KIND:
        text = f"[{STATUS_LABELS[row.status]}] {describe_catalogue_row(row)}"
        return text + (f"; {row.reason}" if row.reason else "")
    if row.kind == "figure":
        unit, month, indicator = row.key
        name = cat.indicators[indicator].name if indicator in cat.indicators else indicator
        what = f"{unit} {month_label(month)} {name}"
    elif row.kind == "narrative":
        what = f"{row.key[0]} kỳ {row.key[1]} nội dung “{row.key[2]}”"
    else:
        what = f"{row.key[0]} kế hoạch {row.key[1]} {row.key[2]} ({row.key[3]})"
    text = f"[{STATUS_LABELS[row.status]}] {what}"
    if row.old is not None and row.status != IDENTICAL:
        text += f": {_values(row.kind, row.old)} → {_values(row.kind, row.new)}"
    elif row.status == NEW:
        text += f": {_values(row.kind, row.new)}"
    text += f" ({row.who}, {row.when})"
    if row.reason:
        text += f"; {row.reason}"
    return text


def _values(kind: str, values: dict) -> str:
    from .numbers import format_number
    if kind == "figure":
        parts = [f"{label} {format_number(values[c], 6)}" for c, label in
                 (("month_value", "tháng"), ("ytd_value", "lũy kế"), ("term_value", "giai đoạn"))
                 if values[c] is not None]
        return ", ".join(parts) or "(đã xóa)"
    if kind == "narrative":
        text = values["text"]
        return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"
    if values["value"] is not None:
        return format_number(values["value"], 6)
    if values["low"] is not None:
        return f"{format_number(values['low'], 6)}-{format_number(values['high'], 6)}"
    return "(trống)"
