"""The report's TrueType font family: Times New Roman when installed, else the bundled Liberation Serif.

Both have every Vietnamese letter in regular, bold, italic and bold italic; reportlab
embeds the glyphs used (subset), so the PDF shows the same on any machine.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..paths import resource

STYLES = ("regular", "bold", "italic", "bold_italic")
FAMILY = "LCSerif"

_TIMES_FILES = {"regular": "times.ttf", "bold": "timesbd.ttf", "italic": "timesi.ttf", "bold_italic": "timesbi.ttf"}
_TIMES_LINUX = {"regular": "Times_New_Roman.ttf", "bold": "Times_New_Roman_Bold.ttf",
                "italic": "Times_New_Roman_Italic.ttf", "bold_italic": "Times_New_Roman_Bold_Italic.ttf"}
_LIBERATION = {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
               "italic": "LiberationSerif-Italic.ttf", "bold_italic": "LiberationSerif-BoldItalic.ttf"}


@dataclass(frozen=True)
class FontFamily:
    label: str  # "Times New Roman" or "Liberation Serif"
    files: dict  # style -> Path

    def name(self, style: str) -> str:
        return FAMILY if style == "regular" else f"{FAMILY}-{style}"


def _times_new_roman() -> dict | None:
    candidates = []
    if sys.platform == "win32":
        candidates.append((Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts", _TIMES_FILES))
    candidates.append((Path("/usr/share/fonts/truetype/msttcorefonts"), _TIMES_LINUX))
    for folder, names in candidates:
        files = {style: folder / name for style, name in names.items()}
        if all(path.is_file() for path in files.values()):
            return files
    return None


def find_family(prefer_times: bool = True) -> FontFamily:
    """Times New Roman if the machine has all four styles, otherwise the bundled Liberation Serif."""
    times = _times_new_roman() if prefer_times else None
    if times:
        return FontFamily("Times New Roman", times)
    return FontFamily("Liberation Serif", {style: resource("fonts", name) for style, name in _LIBERATION.items()})


_registered: dict[str, FontFamily] = {}


def register_family(prefer_times: bool = True) -> FontFamily:
    """Register the family with reportlab once (bold/italic mapped for <b> and <i>)."""
    family = find_family(prefer_times)
    if _registered.get(FAMILY) != family:
        for style in STYLES:
            pdfmetrics.registerFont(TTFont(family.name(style), str(family.files[style])))
        addMapping(FAMILY, 0, 0, family.name("regular"))
        addMapping(FAMILY, 1, 0, family.name("bold"))
        addMapping(FAMILY, 0, 1, family.name("italic"))
        addMapping(FAMILY, 1, 1, family.name("bold_italic"))
        _registered[FAMILY] = family
    return family
