"""The core of LCApp: catalogue, organisation, periods, figures, targets, progress (no Qt here)."""
