"""The PySide6 shell over the core (added by the desktop-entry work)."""
