"""Counting `progress()` computations: every module that imported the function gets a counting one."""

from __future__ import annotations

import sys
import threading
from collections import Counter

from lcapp.models import progress as progress_module


class ProgressCounter:
    """`progress()` calls by (unit, period code), with the threads they ran on."""

    def __init__(self, monkeypatch):
        self.calls: Counter = Counter()
        self.threads: set[str] = set()
        original = progress_module.progress

        def counted(store, unit, period, indicators=None):
            rows = original(store, unit, period, indicators)
            self.calls[(unit, getattr(period, "code", period))] += 1
            self.threads.add(threading.current_thread().name)
            return rows

        for module in list(sys.modules.values()):
            if getattr(module, "progress", None) is original:
                monkeypatch.setattr(module, "progress", counted)

    def clear(self) -> None:
        self.calls.clear()
        self.threads.clear()

    def of(self, unit: str, period: str) -> int:
        return self.calls[(unit, period)]
