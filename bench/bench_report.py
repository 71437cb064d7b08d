"""How long the full report (drafted text, footnotes, Biểu 01 annex) takes, as PDF and as Word.

Usage: python bench/bench_report.py [demo]
Without an argument, the PDF of the 10-year database (bench/out/bench.sqlite, built first if
needed) for the city and a ward; always, the demo data's 05/2024 report (35 footnotes) as PDF
and as .docx. Each run opens the database afresh and writes the file, as the command line
does. Prints the median and worst time, and for the PDF the page count and how many layout
builds the footnotes needed.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_db import DEFAULT, prepare  # noqa: E402
from lcapp.export.report_file import write_report  # noqa: E402
from lcapp.models.demo import load_demo  # noqa: E402
from lcapp.models.setup import create_database  # noqa: E402
from lcapp.models.store import Store  # noqa: E402

RUNS = 5


def timed(unit: str, period: str, folder: Path, database: Path = DEFAULT,
          suffix: str = ".pdf") -> tuple[list[float], int, int]:
    times, builds = [], []
    for run in range(RUNS):
        store = Store(database)
        calls = []
        start = time.perf_counter()
        path = write_report(store, unit, period, folder / f"{unit}-{period}-{run}{suffix}",
                            progress_callback=lambda step, total, message: calls.append(message))
        times.append(time.perf_counter() - start)
        store.close()
        builds.append(sum(1 for message in calls if message.startswith("Đang dàn trang")))
    pages = path.read_bytes().count(b"/Type /Page\n") or path.read_bytes().count(b"/Type /Page")
    return times, pages, max(builds)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        if sys.argv[1:] != ["demo"]:
            prepare()
            for unit, period, what in [("tp_lai_chau", "202406", "the city, one month"),
                                       ("p_doan_ket", "202406", "a ward, one month")]:
                times, pages, builds = timed(unit, period, Path(folder))
                print(f"report {unit} {period} ({what}): median {statistics.median(times):.2f} s, "
                      f"worst {max(times):.2f} s over {RUNS} runs; {pages} pages, up to {builds} layout builds")
        # the bench figures carry no comments; the seeds' demo data has 35 footnotes to place
        demo = Path(folder) / "demo.sqlite"
        load_demo(create_database(demo))
        times, pages, builds = timed("tp_lai_chau", "202405", Path(folder), demo)
        print(f"report tp_lai_chau 202405 (demo data, 35 footnotes), PDF: median {statistics.median(times):.2f} s, "
              f"worst {max(times):.2f} s over {RUNS} runs; {pages} pages, up to {builds} layout builds")
        write_report(Store(demo), "tp_lai_chau", "202405", Path(folder) / "warm.docx")  # python-docx's imports
        times, _pages, _builds = timed("tp_lai_chau", "202405", Path(folder), demo, ".docx")
        print(f"report tp_lai_chau 202405 (demo data, 35 footnotes), Word .docx: "
              f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s over {RUNS} runs")


if __name__ == "__main__":
    main()
