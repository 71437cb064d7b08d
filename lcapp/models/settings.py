"""Settings of an installation (the `settings` table): the one place a setting is checked and stored.

`settings KEY VALUE` on the command line and the window's "Cài đặt" (its reporting unit, through
`documents.configure_office`) both go through `prepare_setting`, so a value is cleaned and
checked by one rule whichever way it comes in:

- only known keys are changed (a database's keys are those `init` or a migration put there);
  the document fields of old versions are now each unit's (`documents --set`);
- the value takes the type of the stored one: a number (typed the Vietnamese way, `7,5`),
  a list of texts (JSON, `["người", "hộ"]`), or a text;
- `reporting_unit` must be a known unit (stored as its code); `percent_decimals` a whole number
  from 0 to 3.

Text is cleaned as the settings dialog cleans what it saves (`documents.prepare_profile_change`,
`text.clean_text`), and that is the decision for every setting: NFC, surrounding spaces removed,
and a control character (a line break, a tab, `\\x07`...) refused with one Vietnamese message
naming the setting — never stripped in silence, since a setting's text is one line and a stray
control character is a mistake to show, not to guess about. In a list, items left empty after
cleaning are dropped, as the dialog drops empty recipient lines.
"""

from __future__ import annotations

from .errors import InputError
from .limits import parse_json
from .numbers import parse_number, parse_percent_decimals
from .organisation import organisation
from .store import Store, set_settings
from .text import clean_text


def _label(key: str) -> str:
    return f"thiết lập “{key}”"


def _text(value, key: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"Giá trị của {_label(key)} phải là chữ.")
    return clean_text(value, field=_label(key), multiline=False) or ""


def prepare_setting(store: Store, key: str, raw):
    """The value `raw` (text as typed, or a value of the setting's type) checked and cleaned for
    `key`; InputError with one Vietnamese message when it is refused. Reads only."""
    from .documents import DOCUMENT_FIELDS  # documents calls this module for the reporting unit

    if key in DOCUMENT_FIELDS:
        raise InputError(f"“{key}” nay là của từng đơn vị: dùng “documents ĐƠN_VỊ --set {key} GIÁ_TRỊ”.")
    current = store.settings()
    if key not in current:
        raise InputError(f"Không có thiết lập “{key}” (xem danh sách bằng “settings”).")
    old = current[key]
    if key == "reporting_unit":
        return organisation(store).unit(_text(raw, key)).code
    if key == "percent_decimals":
        return parse_percent_decimals(raw)
    if isinstance(old, bool):
        raise InputError(f"Không đổi được {_label(key)} theo cách này.")
    if isinstance(old, (int, float)):
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return raw
        return parse_number(_text(raw, key))
    if isinstance(old, list):
        items = parse_json(raw, f"Giá trị của {_label(key)}") if isinstance(raw, str) else raw
        if not isinstance(items, list):
            raise InputError(f"Giá trị của {_label(key)} phải là danh sách JSON, ví dụ [\"người\", \"hộ\"].")
        cleaned = [_text(item, key) for item in items]
        return [item for item in cleaned if item]
    return _text(raw, key)


def change_setting(store: Store, key: str, raw) -> bool:
    """Check and store one setting in one transaction; True when it changed (the same value
    writes nothing)."""
    value = prepare_setting(store, key, raw)
    if store.setting(key) == value:
        return False
    with store.write() as conn:
        set_settings(conn, {key: value})
    return True
