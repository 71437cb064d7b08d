"""The documentation keeps up with the program: every command of `python -m lcapp` is in
README.md's command list, with Vietnamese help text of its own (taken from the parser itself)."""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path

from lcapp.cli import build_parser

README = Path(__file__).resolve().parent.parent / "README.md"


def subcommands() -> dict[str, str]:
    """Each subcommand's name and its help text, as argparse holds them."""
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in action._choices_actions}
    return {name: helps.get(name) or "" for name in action.choices}


def command_list() -> str:
    """The fenced block right under README's "Dòng lệnh / Command line" heading."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Dòng lệnh / Command line"):]
    return section.split("```", 2)[1]


def vietnamese(text: str) -> bool:
    """Vietnamese with its diacritics (NFC): some letter carries a mark, or is đ."""
    return unicodedata.is_normalized("NFC", text) and any(
        ch in "đĐ" or unicodedata.decomposition(ch) for ch in text if ch.isalpha())


def test_the_parser_has_the_commands():
    names = subcommands()
    assert len(names) > 40 and {"init", "import", "settings", "targets-import", "handover-import"} <= set(names)


def test_every_command_is_in_the_readme_command_list():
    listed = command_list()
    missing = [name for name in subcommands()
               if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", listed)]
    assert missing == []


def test_every_command_has_vietnamese_help():
    bad = [name for name, text in subcommands().items() if not text.strip() or not vietnamese(text)]
    assert bad == []
