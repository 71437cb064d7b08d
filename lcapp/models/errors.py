"""Errors the core raises; their messages are Vietnamese and meant for the user."""


class InputError(ValueError):
    """Bad input from a person or a file: nothing was written."""


class DatabaseError(RuntimeError):
    """The database file cannot be used as it is (corrupt, newer, not ours)."""


class DamagedDatabaseError(DatabaseError):
    """The database file is damaged: the way out is a backup (the window offers them)."""
