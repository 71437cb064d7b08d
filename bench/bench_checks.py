"""How long all the checks take for one unit and month on the 10-year benchmark database.

Usage: python bench/bench_checks.py   (builds bench/out/bench.sqlite first if needed)
Prints the median and worst of repeated runs, each on a freshly opened database (catalogue,
organisation, figures and explanations read again, as a command-line call would). Target:
under 200 ms.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_db import prepare, time_runs  # noqa: E402
from lcapp.models.checks import run_checks, summary_text  # noqa: E402

RUNS = 15


def timed(unit: str, period: str) -> tuple[list[float], str]:
    times, findings = time_runs(lambda store: run_checks(store, unit, period), RUNS)
    return times, summary_text(findings)


def main() -> None:
    prepare()
    for unit, period, what in [("p_doan_ket", "202406", "a ward, one month"),
                               ("tp_lai_chau", "202406", "the city (7 child units), one month"),
                               ("tp_lai_chau", "202401", "the city, January")]:
        times, summary = timed(unit, period)
        print(f"checks {unit} {period} ({what}): median {statistics.median(times):.1f} ms, "
              f"worst {max(times):.1f} ms over {RUNS} runs [{summary}]")


if __name__ == "__main__":
    main()
