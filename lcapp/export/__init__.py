"""Exports and data interchange over the core (no Qt here)."""
