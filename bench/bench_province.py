"""The province's office: its progress for one month (the sum of its 38 units) and the import of
the 38 units' packages for that month, on the province benchmark database.

Usage: python bench/bench_province.py [RUNS]   (builds bench/out/province.sqlite first if needed)

1. `progress lai_chau 202611` as a separate process each time, each beside a run of the
   command line's own start-up (`python -m lcapp --version`): "cold" with no kept results
   (figure_cache emptied before each run: every unit's figures of 2025 and 2026 are read) and
   "warm" (what the previous run kept). Medians of RUNS, minus the start-up's median.
2. Importing the 38 packages of 11/2026 (exported from the database itself: 174 figures and
   their history rows each) into the database without them: every file checked, previewed
   and applied, as `handover-import` does; then `progress lai_chau 202611` right after it,
   from two states before the import: the office had looked at 10/2026 (`progress lai_chau
   202610`: what it keeps of 01-10/2026 stays, since the import drops only 11-12/2026) and,
   apart, nothing of 2026 kept (2025 kept: every unit's figures of 2026 are read).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_province_db import PROVINCE, PROVINCE_DB, build, new_units  # noqa: E402
from lcapp.models.handover import export_package  # noqa: E402
from lcapp.models.merge import apply_package  # noqa: E402
from lcapp.models.package_check import check_package  # noqa: E402
from lcapp.models.periods import add_months  # noqa: E402
from lcapp.models import signing  # noqa: E402
from lcapp.models.store import Store  # noqa: E402

MONTH = "202611"


def seconds_of(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lcapp", *argv], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms, worst {max(values) * 1000:.0f} ms"


def empty_cache(path: Path) -> None:
    store = Store(path)
    with store.write() as conn:
        conn.execute("DELETE FROM figure_cache")
    store.close()


def above(label: str, times: list[float], floors: list[float]) -> None:
    """Print a measurement beside the start-up runs made next to it (the same machine, the same load)."""
    floor = statistics.median(floors)
    print(f"{label}: {ms(times)}; start-up beside it {ms(floors)}; above start-up: median "
          f"{(statistics.median(times) - floor) * 1000:.0f} ms, worst {(max(times) - floor) * 1000:.0f} ms")


def main(runs: int = 7) -> None:
    build().close()
    work = Path(tempfile.mkdtemp(prefix="lcapp-province-"))
    try:
        db = work / "province.sqlite"
        shutil.copyfile(PROVINCE_DB, db)
        progress_argv = ["--db", str(db), "progress", PROVINCE, MONTH]
        seconds_of(["--version"])  # Python's own files into the disk cache
        cold, floors = [], []
        for _ in range(runs):  # each beside a start-up of its own: the two see the same machine
            empty_cache(db)
            floors.append(seconds_of(["--version"]))
            cold.append(seconds_of(progress_argv))
        above(f"progress {PROVINCE} {MONTH}, cold (nothing kept)", cold, floors)
        seconds_of(progress_argv)
        warm, floors = [], []
        for _ in range(runs):
            floors.append(seconds_of(["--version"]))
            warm.append(seconds_of(progress_argv))
        above(f"progress {PROVINCE} {MONTH}, warm (results kept)", warm, floors)

        # packages of the 38 units for the month, from a copy (an export is logged in its database)
        source = Store(db)
        units = new_units(source)
        source.close()
        shutil.copyfile(db, work / "units.sqlite")
        source = Store(work / "units.sqlite")
        packages = []
        for unit in units:
            path = work / f"{unit}.lcgoi"
            export_package(source, unit, [MONTH], path)
            packages.append(path)
        source.close()
        template = work / "before-import.sqlite"
        shutil.copyfile(db, template)
        province = Store(template)
        with province.write() as conn:
            # another office: its own installation id and signing key (the copy had the units' ones)
            conn.execute("UPDATE meta SET value = 'province-bench' WHERE key = 'installation_id'")
            conn.execute("UPDATE meta SET value = ? WHERE key = ?", (signing.new_private_key(), signing.KEY_META))
            marks = ",".join("?" * len(units))
            conn.execute(f"DELETE FROM figures WHERE month = ? AND unit IN ({marks})", (int(MONTH), *units))
            conn.execute("DELETE FROM figure_cache WHERE year = ?", (int(MONTH[:4]),))  # 2025's stay kept
        province.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        province.close()
        nothing_kept = work / "nothing-of-the-year-kept.sqlite"
        shutil.copyfile(template, nothing_kept)
        previous = str(add_months(int(MONTH), -1))  # the month the office looked at before these packages came
        subprocess.run([sys.executable, "-m", "lcapp", "--db", str(template), "progress", PROVINCE, previous],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        for label, before in ((f"after looking at {previous}", template), ("nothing of the year kept", nothing_kept)):
            imports, after_import, floors, written = [], [], [], 0
            for number in range(runs):
                target = work / f"import-{number}.sqlite"
                shutil.copyfile(before, target)
                store = Store(target)
                started = time.perf_counter()
                written = 0
                for path in packages:
                    result = apply_package(store, check_package(store, path), accept_sender=True)
                    written += result.written["new"]
                imports.append(time.perf_counter() - started)
                store.close()
                floors.append(seconds_of(["--version"]))
                after_import.append(seconds_of(["--db", str(target), "progress", PROVINCE, MONTH]))
                target.unlink()
            print(f"import of {len(packages)} packages of {MONTH} ({written} figures; {label}): {ms(imports)}")
            above(f"progress {PROVINCE} {MONTH} right after the import ({label})", after_import, floors)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
