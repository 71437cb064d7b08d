"""How long `import` of a CSV takes (read, check, preview, write in one transaction).

Usage: python bench/bench_import.py [ROWS]   (default 20.000 values: the city's units, its
indicators typed as the month, every month from 2015 on, as many as needed)
Each run imports the same file into a fresh copy of a new database, through the command line
in this process: once with no month locked, once with the file's first unit-month locked (its
values are left out, the rest written).
Prints the median and worst of a few runs. LCAPP_BENCH_SOURCE=/path/to/checkout times
another checkout's lcapp (to compare before and after a change).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

sys.path.insert(0, os.environ.get("LCAPP_BENCH_SOURCE") or str(Path(__file__).resolve().parent.parent))

from lcapp.cli import main as cli  # noqa: E402
from lcapp.models.catalogue import catalogue  # noqa: E402
from lcapp.models.locks import lock  # noqa: E402
from lcapp.models.organisation import organisation  # noqa: E402
from lcapp.models.periods import month_period  # noqa: E402
from lcapp.models.setup import create_database  # noqa: E402
from lcapp.models.store import Store  # noqa: E402

RUNS = 5


def csv_lines(store, rows: int) -> list[str]:
    cat, org = catalogue(store), organisation(store)
    units = [u.code for u in org.children("tp_lai_chau", month_period(2024, 5)) if u.kind in ("ward", "commune")]
    lines = []
    for year in range(2015, 2025):
        for month in range(1, 13):
            period = month_period(year, month)
            codes = [i.code for i in cat.valid_in(period)
                     if not i.derived and i.kind == "flow" and i.entry != "ytd" and i.unit != "%"]
            for unit in units:
                for code in codes:
                    lines.append(f"{code},{unit},{year}{month:02d},{len(lines) % 97 + 1}")
                    if len(lines) == rows:
                        return lines
    return lines


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    folder = Path(tempfile.mkdtemp(prefix="lcapp-bench-import-"))
    try:
        template = folder / "template.sqlite"
        store = create_database(template)
        lines = csv_lines(store, rows)
        store.close()
        locked = folder / "locked.sqlite"
        shutil.copyfile(template, locked)
        store = Store(locked)
        first_unit, first_month = lines[0].split(",")[1:3]
        lock(store, first_unit, first_month)
        store.close()
        csv = folder / "so-lieu.csv"
        csv.write_text("indicator,unit,period,value\n" + "\n".join(lines) + "\n", encoding="utf-8")
        for what, source in (("no month locked", template), (f"{first_unit} {first_month} locked", locked)):
            times, status, said = [], None, ""
            for run in range(RUNS):
                db = folder / f"run-{run}.sqlite"
                shutil.copyfile(source, db)
                out, err = StringIO(), StringIO()
                start = time.perf_counter()
                with redirect_stdout(out), redirect_stderr(err):
                    status = cli(["--db", str(db), "import", str(csv)])
                times.append((time.perf_counter() - start) * 1000)
                said = (out.getvalue() + err.getvalue()).strip()[:90]
                db.unlink()
            print(f"import of {len(lines)} values ({csv.stat().st_size / 1e6:.1f} MB), {what}: median "
                  f"{statistics.median(times):.0f} ms, worst {max(times):.0f} ms over {RUNS} runs; exit {status}: {said}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)

if __name__ == "__main__":
    main()
