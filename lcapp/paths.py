"""Where things are: bundled resources and the user's data folder.

The only module that knows about PyInstaller's `sys._MEIPASS`: resources sit at the same
relative path in the source tree and in the bundle.
"""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_NAME = "LCApp"


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def data_dir() -> Path:
    """The user's data folder (database, backups, logs), e.g. %LOCALAPPDATA%\\LCApp on Windows."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database() -> Path:
    return data_dir() / "lcapp.sqlite"
