"""Who is working: the name every write records (history rows, locks, imports, explanations).

Its own module so that any core module can name the user without importing figures (figures
imports locks, and locks needs the user: the cycle this ends).
"""

from __future__ import annotations

import getpass
import os


def current_user() -> str:
    """Who is entering: LCAPP_USER if set, else the operating system's login name."""
    return os.environ.get("LCAPP_USER") or getpass.getuser() or "?"
