"""How long the annex workbook (Biểu 01-04) takes for one unit and month on the 10-year database.

Usage: python bench/bench_annex.py   (builds bench/out/bench.sqlite first if needed)
Prints, for the city (7 child units) and a ward, the median and worst of repeated runs of
building the four sheets and of building and saving the .xlsx file, each on a freshly
opened database (as the command line or the program's background job would).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_db import DEFAULT, prepare  # noqa: E402
from lcapp.export.annex_xlsx import annex_workbook, write_annex_workbook  # noqa: E402
from lcapp.models.store import Store  # noqa: E402

RUNS = 7


def timed(unit: str, period: str, save: bool, folder: Path) -> list[float]:
    times = []
    for _ in range(RUNS):
        store = Store(DEFAULT)
        start = time.perf_counter()
        if save:
            write_annex_workbook(store, unit, period, folder / "bieu.xlsx")
        else:
            workbook = annex_workbook(store, unit, period)
            assert len(workbook.sheetnames) >= 3
        times.append((time.perf_counter() - start) * 1000)
        store.close()
    return times


def main() -> None:
    prepare()
    with tempfile.TemporaryDirectory() as folder:
        for unit, period, what in [("tp_lai_chau", "202406", "the city (7 child units), one month"),
                                   ("p_doan_ket", "202406", "a ward, one month")]:
            for save in (False, True):
                times = timed(unit, period, save, Path(folder))
                label = "build and save .xlsx" if save else "build the 4 sheets"
                print(f"annex {unit} {period} ({what}), {label}: median {statistics.median(times):.0f} ms, "
                      f"worst {max(times):.0f} ms over {RUNS} runs")


if __name__ == "__main__":
    main()
