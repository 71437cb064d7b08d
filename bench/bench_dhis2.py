"""How long the DHIS2 files take on the 10-year benchmark database (183.600 figures).

Usage: python bench/bench_dhis2.py   (builds bench/out/bench.sqlite first if needed)
Prints the median and worst of a few runs, each on a freshly opened database.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_db import prepare, time_runs  # noqa: E402
from lcapp.export.dhis2_metadata import export_metadata  # noqa: E402
from lcapp.export.dhis2_values import data_values  # noqa: E402

RUNS = 5


def main() -> None:
    prepare()
    for what, work in [("metadata file", export_metadata),
                       ("values file, every figure", lambda store: data_values(store).text()),
                       ("values file, one ward", lambda store: data_values(store, units={"p_doan_ket"}).text())]:
        times, text = time_runs(work, RUNS)
        print(f"{what}: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms over {RUNS} runs, "
              f"{len(text.encode()) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
