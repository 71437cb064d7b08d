"""Document profiles: what a unit's report says about who issues it, on a given date.

`document_profile(store, unit, on)` is the one answer for every document LCApp writes (the
PDF report's header and signature, the annex's title block): the issuing body (two lines),
the place of the date line (địa danh, Nghị định 30/2020/NĐ-CP, Phụ lục I), the document code,
the signer and the recipients. It is derived from the unit, its kind and the date, through
the defaults of resources/documents.toml (loaded into `document_defaults`); what an office
changed is stored for its unit with the dates it applies to (`document_profiles`, every
version in `document_profile_history`) and wins over the defaults.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..paths import resource
from .errors import InputError
from .organisation import KIND_LABELS, UNIT_KINDS, Organisation, Unit, organisation
from .periods import Period
from .store import Store, now_iso, set_settings
from .text import clean_text, nfc

DOCUMENT_FIELDS = ("issuing_body_parent", "issuing_body", "place", "document_code", "signer_authority",
                   "signer_title", "signer_name", "recipients")
FIELD_LABELS = {
    "issuing_body_parent": "Cơ quan ban hành (dòng trên)",
    "issuing_body": "Cơ quan ban hành (dòng dưới)",
    "place": "Địa danh (dòng ngày tháng)",
    "document_code": "Ký hiệu văn bản (Số: .../…)",
    "signer_authority": "Thẩm quyền ký (TM., KT.)",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký",
    "recipients": "Nơi nhận",
}
TEMPLATE_NAMES = {"name", "NAME", "place", "kind", "parent_kind", "PARENT_NAME", "initials"}
# The first line of an issuing body that only starts its own name ("ỦY BAN NHÂN DÂN" / "XÃ ...").
OWN_NAME_STARTS = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN")
# The document settings of the releases before per-unit profiles (resources/settings.toml as
# shipped then): a database still holding one of these values never changed it.
SHIPPED_SETTINGS = {
    "issuing_body_parent": "ỦY BAN NHÂN DÂN", "issuing_body": "THÀNH PHỐ LAI CHÂU", "place": "Thành phố Lai Châu",
    "document_code": "BC-UBND", "signer_authority": "TM. ỦY BAN NHÂN DÂN", "signer_title": "CHỦ TỊCH",
    "signer_name": "Nguyễn Văn Nghiệp",
    "recipients": ["UBND tỉnh (B/c);", "Sở Kế hoạch và Đầu tư tỉnh (B/c);", "TT. Thành ủy, TT. HĐND thành phố (B/c);",
                   "Các cơ quan, đơn vị thành phố;", "UBND các xã, phường;", "Lưu: VT, VP."],
}


@dataclass(frozen=True)
class DocumentProfile:
    unit: str
    valid_from: date | None  # the dates this profile applies to (None: open)
    valid_to: date | None
    fields: dict  # DOCUMENT_FIELDS -> text (recipients: a list of lines)
    edited: bool  # changed by the office (else: the defaults)
    issuer: str  # "Ủy ban nhân dân phường Đoàn Kết": the issuing body in a sentence

    def __getitem__(self, key: str):
        return self.fields[key]

    def as_settings(self) -> dict:
        """The profile under the keys the writers read ("issuing_body", "place", ... and "issuer")."""
        return dict(self.fields, issuer=self.issuer)

    def validity_text(self) -> str:
        start = f"{self.valid_from:%d/%m/%Y}" if self.valid_from else "…"
        end = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "nay"
        return f"{start} - {end}"

    def as_json(self) -> dict:
        return {"unit": self.unit, "valid_from": self.valid_from and self.valid_from.isoformat(),
                "valid_to": self.valid_to and self.valid_to.isoformat(), "edited": self.edited,
                "issuer": self.issuer, **self.fields}


# -- the defaults (resources/documents.toml) -----------------------------------------------------
def read_documents_file(path: str | Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"Không tìm thấy tệp mẫu văn bản {path}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"Tệp mẫu văn bản {path} sai định dạng TOML: {error}.") from None


def _day(value, where: str) -> str:
    if value in (None, ""):
        return ""
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InputError(f"{where}: ngày “{value}” không đúng dạng YYYY-MM-DD.") from None


def _checked_fields(raw: dict, where: str, *, complete: bool) -> dict:
    fields = {}
    for key in DOCUMENT_FIELDS:
        if key not in raw:
            if complete:
                raise InputError(f"{where}: thiếu “{key}” ({FIELD_LABELS[key]}).")
            continue
        value = raw[key]
        texts = value if key == "recipients" else [value]
        if key == "recipients" and not isinstance(value, list):
            raise InputError(f"{where}: recipients phải là danh sách các dòng.")
        for text in texts:
            if not isinstance(text, str):
                raise InputError(f"{where}: “{key}” phải là chữ.")
            for name in re.findall(r"\{([^{}]*)\}", text):
                if name not in TEMPLATE_NAMES:
                    raise InputError(f"{where}: “{{{name}}}” không phải tên thay thế được "
                                     f"({', '.join(sorted(TEMPLATE_NAMES))}).")
        fields[key] = [nfc(t) for t in value] if key == "recipients" else nfc(value)
    return fields


def document_default_rows(data: dict) -> list[tuple]:
    """Validate documents.toml (pure): rows of `document_defaults`, kind rules first."""
    rows = []
    for number, raw in enumerate(data.get("default", []), start=1):
        where = f"Mẫu văn bản thứ {number}"
        kinds = raw.get("kinds") or []
        unknown = [k for k in kinds if k not in UNIT_KINDS]
        if not kinds or unknown:
            raise InputError(f"{where}: kinds phải là các loại đơn vị ({', '.join(UNIT_KINDS)}).")
        start, end = _day(raw.get("valid_from"), where), _day(raw.get("valid_to"), where)
        if start and end and end < start:
            raise InputError(f"{where}: ngày hết hiệu lực trước ngày bắt đầu.")
        rows.append(("", json.dumps(kinds), start, end,
                     json.dumps(_checked_fields(raw, where, complete=True), ensure_ascii=False)))
    for raw in data.get("unit", []):
        code = nfc(raw.get("code", ""))
        if not code:
            raise InputError("Mẫu văn bản của một đơn vị thiếu mã đơn vị (code).")
        rows.append((code, "[]", "", "", json.dumps(_checked_fields(raw, f"Mẫu văn bản của “{code}”", complete=False),
                                                   ensure_ascii=False)))
    if not any(not row[0] for row in rows):
        raise InputError("Tệp mẫu văn bản không có mẫu nào ([[default]]).")
    return rows


def write_document_defaults(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Replace the defaults inside an open write transaction."""
    conn.execute("DELETE FROM document_defaults")
    conn.executemany("INSERT INTO document_defaults (position, unit, kinds, valid_from, valid_to, fields) "
                     "VALUES (?, ?, ?, ?, ?, ?)", [(i, *row) for i, row in enumerate(rows)])


def load_documents(store: Store, data: dict) -> int:
    """Validate and store the document defaults in one transaction; return how many rules."""
    rows = document_default_rows(data)
    with store.write() as conn:
        write_document_defaults(conn, rows)
    return len(rows)


@dataclass(frozen=True)
class _Rule:
    kinds: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None
    fields: dict


def _as_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _defaults(rows) -> tuple[list[_Rule], dict[str, dict]]:
    rules, by_unit = [], {}
    for unit, kinds, start, end, fields in rows:
        if unit:
            by_unit[unit] = json.loads(fields)
        else:
            rules.append(_Rule(tuple(json.loads(kinds)), _as_date(start), _as_date(end), json.loads(fields)))
    return rules, by_unit


def _read_defaults(conn: sqlite3.Connection):
    return _defaults(conn.execute("SELECT unit, kinds, valid_from, valid_to, fields FROM document_defaults "
                                  "ORDER BY position").fetchall())


# -- deriving a profile ----------------------------------------------------------------------
def report_date(period: Period) -> date:
    """The date a period's report is written for: the end of its data window (the 14th of its
    last month, Nghị định 09/2019), so a report of 06/2025 is the old unit's, 07/2025 the new's."""
    return period.cutoff_window()[1]


def _without_kind(unit: Unit) -> str:
    word = KIND_LABELS.get(unit.kind, "")
    if word and unit.name.lower().startswith(word + " "):
        return unit.name[len(word) + 1:]
    return unit.name


def place_name(org: Organisation, unit: Unit, by_unit: dict[str, dict]) -> str:
    """The địa danh of a unit's documents (Phụ lục I): its official name without the word for
    its kind, unless documents.toml gives its own; a department's is its unit's."""
    own = by_unit.get(unit.code, {}).get("place")
    if own:
        return own
    if unit.is_department and unit.reports_for:
        return place_name(org, org.units[unit.reports_for], by_unit)
    return _without_kind(unit)


def initials(name: str) -> str:
    """"Phòng Tài chính - Kế hoạch" -> "TCKH": a department's short name for its document code."""
    name = re.sub(r"\([^)]*\)", " ", name)
    name = re.sub(r"^(Văn phòng|Phòng|Ban|Chi cục)\s+", "", name.strip(), flags=re.IGNORECASE)
    name = re.sub(r"\s+thành phố$", "", name.strip(), flags=re.IGNORECASE)
    words = [w for w in re.split(r"[\s,\-–]+", name) if w and w.lower() != "và"]
    return "".join(w if w.isupper() else w[0].upper() for w in words)


def _variables(org: Organisation, unit: Unit, by_unit: dict[str, dict]) -> dict:
    above = org.units.get(unit.reports_for or unit.parent or "")
    return {"name": unit.name, "NAME": unit.name.upper(), "place": place_name(org, unit, by_unit),
            "kind": KIND_LABELS.get(unit.kind, ""), "parent_kind": KIND_LABELS.get(above.kind, "") if above else "",
            "PARENT_NAME": above.name.upper() if above else "", "initials": initials(unit.name)}


def _render(value, variables: dict):
    if isinstance(value, list):
        return [_render(v, variables) for v in value]
    return nfc(value.format_map(variables))


def _windows(unit: Unit, rules: list[_Rule]) -> list[tuple[_Rule, date | None, date | None]]:
    """The kind rules of `unit` with the dates each applies to it (its own validity included)."""
    result = []
    for rule in rules:
        if unit.kind not in rule.kinds:
            continue
        starts = [d for d in (rule.valid_from, unit.valid_from) if d]
        ends = [d for d in (rule.valid_to, unit.valid_to) if d]
        start, end = (max(starts) if starts else None), (min(ends) if ends else None)
        if start is None or end is None or start <= end:
            result.append((rule, start, end))
    return result


def _covers(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def _issuer(unit: Unit, fields: dict) -> str:
    name = unit.name[:1].lower() + unit.name[1:]
    parent = fields.get("issuing_body_parent", "")
    if parent.upper() in OWN_NAME_STARTS:
        return f"{parent.capitalize()} {name}"
    return unit.name


def _derive(org: Organisation, unit: Unit, day: date, defaults) -> DocumentProfile:
    rules, by_unit = defaults
    variables = _variables(org, unit, by_unit)
    for rule, start, end in _windows(unit, rules):
        if _covers(start, end, day):
            fields = {key: _render(value, variables) for key, value in rule.fields.items()}
            fields.update({key: _render(value, variables) for key, value in by_unit.get(unit.code, {}).items()})
            return DocumentProfile(unit.code, start, end, fields, False, _issuer(unit, fields))
    raise InputError(f"Chưa có mẫu văn bản cho {unit.label} ({KIND_LABELS.get(unit.kind, unit.kind)}) ngày "
                     f"{day:%d/%m/%Y}: hãy bổ sung documents.toml.")


def _clamped(unit: Unit, day: date) -> date:
    """A day inside the unit's validity: a report of a period it only partly covers is still its own."""
    if unit.valid_from and day < unit.valid_from:
        return unit.valid_from
    if unit.valid_to and day > unit.valid_to:
        return unit.valid_to
    return day


def _profile(conn: sqlite3.Connection, org: Organisation, unit: Unit, day: date, defaults) -> DocumentProfile:
    day = _clamped(unit, day)
    derived = _derive(org, unit, day, defaults)
    row = conn.execute("SELECT valid_from, valid_to, fields FROM document_profiles WHERE unit = ? AND valid_from <= ? "
                       "AND (valid_to = '' OR valid_to >= ?) ORDER BY valid_from DESC LIMIT 1",
                       (unit.code, day.isoformat(), day.isoformat())).fetchone()
    if row is None:  # the defaults, for the days no edited profile takes
        after, before = conn.execute(
            "SELECT (SELECT min(valid_from) FROM document_profiles WHERE unit = ?1 AND valid_from > ?2), "
            "(SELECT max(valid_to) FROM document_profiles WHERE unit = ?1 AND valid_to != '' AND valid_to < ?2)",
            (unit.code, day.isoformat())).fetchone()
        start, end = derived.valid_from, derived.valid_to
        if after and (end is None or _as_date(after) <= end):
            end = _as_date(after) - timedelta(days=1)
        if before and (start is None or _as_date(before) >= start):
            start = _as_date(before) + timedelta(days=1)
        return DocumentProfile(unit.code, start, end, derived.fields, False, derived.issuer)
    fields = dict(derived.fields, **json.loads(row[2]))
    return DocumentProfile(unit.code, _as_date(row[0]), _as_date(row[1]), fields, True, _issuer(unit, fields))


def document_profile(store: Store, unit: str, on: date | Period) -> DocumentProfile:
    """The document profile of `unit` for a report dated `on` (a date, or a period: its report date)."""
    org = organisation(store)
    found = org.unit(unit)
    day = report_date(on) if isinstance(on, Period) else on
    defaults = store.cached("document_defaults", lambda: _read_defaults(store.conn))
    return _profile(store.conn, org, found, day, defaults)


# -- changing a profile ------------------------------------------------------------------------
def prepare_profile_change(values: dict) -> dict:
    """Validate changed fields (pure): NFC text without control characters; recipients a list of lines."""
    cleaned = {}
    for key, value in values.items():
        if key not in DOCUMENT_FIELDS:
            raise InputError(f"“{key}” không phải một mục của văn bản ({', '.join(DOCUMENT_FIELDS)}).")
        if key == "recipients":
            if isinstance(value, str):
                value = value.splitlines()
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError("Nơi nhận phải là danh sách các dòng.")
            lines = [clean_text(v, field=FIELD_LABELS[key]) or "" for v in value]
            cleaned[key] = [line for line in lines if line]
        else:
            if not isinstance(value, str):
                raise InputError(f"{FIELD_LABELS[key]} phải là chữ.")
            cleaned[key] = clean_text(value, field=FIELD_LABELS[key]) or ""
    return cleaned


def _write_row(conn, unit: str, start: str, end: str, fields: dict, user: str, stamp: str) -> None:
    row = conn.execute("SELECT version FROM document_profiles WHERE unit = ? AND valid_from = ?",
                       (unit, start)).fetchone()
    version = (row[0] if row else 0) + 1
    text = json.dumps(fields, ensure_ascii=False)
    conn.execute("""INSERT INTO document_profiles (unit, valid_from, valid_to, fields, edited_by, edited_at, version)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit, valid_from) DO UPDATE SET
                    valid_to = excluded.valid_to, fields = excluded.fields, edited_by = excluded.edited_by,
                    edited_at = excluded.edited_at, version = excluded.version""",
                 (unit, start, end, text, user, stamp, version))
    conn.execute("INSERT INTO document_profile_history (unit, valid_from, valid_to, version, fields, edited_by, "
                 "edited_at) VALUES (?, ?, ?, ?, ?, ?, ?)", (unit, start, end, version, text, user, stamp))


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def set_document_profile(store: Store, unit: str, values: dict, on: date, *, from_day: date | None = None,
                         user: str | None = None) -> int:
    """Change fields of `unit`'s profile for the reports dated `on` (1 if it changed, else 0).

    The change applies to the whole span of the profile that covers `on`; with `from_day`,
    only from that day on (the span is split, the earlier part keeps what it had). One
    transaction, every version kept in history.
    """
    write = _profile_change(store, unit, values, on, from_day=from_day, user=user)
    if write is None:
        return 0
    with store.write() as conn:
        write(conn)
    return 1


def configure_office(store: Store, unit: str, values: dict, on: date, *, user: str | None = None) -> None:
    """The unit this installation reports for (setting `reporting_unit`) and changes to that
    unit's document profile for the reports dated `on`, in one transaction (first start, Cài đặt)."""
    from .settings import prepare_setting  # the one rule for settings, as `settings reporting_unit CODE`

    code = prepare_setting(store, "reporting_unit", unit)
    write = _profile_change(store, code, values, on, user=user) if values else None
    with store.write() as conn:
        set_settings(conn, {"reporting_unit": code})
        if write is not None:
            write(conn)


def _profile_change(store: Store, unit: str, values: dict, on: date, *, from_day: date | None = None,
                    user: str | None = None):
    """Validate a change (InputError says why not); a function writing it inside an open
    transaction, or None when it changes nothing."""
    from .users import current_user

    changes = prepare_profile_change(values)
    found = organisation(store).unit(unit)
    day = from_day or on
    if found.valid_from and day < found.valid_from or found.valid_to and day > found.valid_to:
        raise InputError(f"{found.label} không tồn tại ngày {day:%d/%m/%Y} (hiệu lực {found.validity_text()}).")
    current = document_profile(store, found.code, day)
    fields = dict(current.fields, **changes)
    if fields == current.fields:
        return None
    who, stamp = user or current_user(), now_iso()

    def write(conn) -> None:
        start = current.valid_from
        if from_day and (start is None or from_day > start):
            if current.edited:  # the earlier part keeps its values, ending the day before
                _write_row(conn, found.code, _iso(start), (from_day - timedelta(days=1)).isoformat(),
                           current.fields, who, stamp)
            start = from_day
        _write_row(conn, found.code, _iso(start), _iso(current.valid_to), fields, who, stamp)
    return write


def profile_history(store: Store, unit: str) -> list[dict]:
    """Every version of `unit`'s edited profiles, oldest first."""
    code = organisation(store).unit(unit).code
    rows = store.query("SELECT valid_from, valid_to, version, fields, edited_by, edited_at "
                       "FROM document_profile_history WHERE unit = ? ORDER BY id", (code,))
    return [dict(r, fields=json.loads(r["fields"])) for r in rows]


# -- existing databases (the migration to per-unit profiles) --------------------------------------
def upgrade_database(conn: sqlite3.Connection) -> None:
    """Bring an existing database's organisation and document defaults up to the bundled ones
    (adding units, never removing one) and move its old document settings into the reporting
    unit's profiles. Runs inside the migration's transaction; a new database (no units yet)
    gets the bundled data from `init` instead."""
    from .organisation import organisation_rows, read_organisation_file, read_units, write_units

    if conn.execute("SELECT count(*) FROM units").fetchone()[0] == 0:
        return
    sectors = {row[0] for row in conn.execute("SELECT code FROM sectors")}
    data = read_organisation_file(resource("organisation.toml"))
    for raw in data["unit"]:
        raw["sectors"] = [code for code in raw.get("sectors", []) if code in sectors]
    write_units(conn, organisation_rows(data, sectors), remove_others=False)
    write_document_defaults(conn, document_default_rows(read_documents_file(resource("documents.toml"))))
    settings = {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM settings")}
    changed = {key: settings[key] for key in DOCUMENT_FIELDS
               if key in settings and settings[key] != SHIPPED_SETTINGS[key]}
    org = read_units(conn)
    reporting = org.units.get(settings.get("reporting_unit") or "")
    if changed and reporting is not None:
        defaults = _read_defaults(conn)
        for _rule, start, end in _windows(reporting, defaults[0]):
            derived = _derive(org, reporting, start or end or date.today(), defaults)
            fields = dict(derived.fields, **prepare_profile_change(changed))
            if fields != derived.fields:
                _write_row(conn, reporting.code, _iso(start), _iso(end), fields, "nâng cấp LCApp", now_iso())
    conn.execute(f"DELETE FROM settings WHERE key IN ({', '.join('?' * len(DOCUMENT_FIELDS))})", DOCUMENT_FIELDS)
