"""argparse's own words (usage, help, errors) in Vietnamese.

argparse asks `gettext` for each of its texts through its module's `_` and `ngettext`; Python
ships no Vietnamese for them, so these answer from a table and return any other text as it is.
"""

from __future__ import annotations

import argparse

WORDS = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "subcommands": "lệnh",
    "show this help message and exit": "hiện trợ giúp này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "the following arguments are required: %s": "thiếu tham số: %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "not allowed with argument %s": "không dùng cùng với tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn %(option)s không rõ: có thể là %(matches)s",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn %(value)r không hợp lệ (chọn một trong %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ (%(type)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "không có lệnh %(parser_name)r (có: %(choices)s)",
    "can't open '%(filename)s': %(error)s": "không mở được “%(filename)s”: %(error)s",
}


def _gettext(message):
    return WORDS.get(message, message)


def _ngettext(singular, plural, n):
    return _gettext(singular if n == 1 else plural)


def install() -> None:
    """From now on argparse speaks Vietnamese (for every parser of this process)."""
    argparse._ = _gettext
    argparse.ngettext = _ngettext
