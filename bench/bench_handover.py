"""Time importing 7 ward packages of 12 months each into a city database, beside a plain SQLite copy.

Usage: python bench/bench_handover.py [ROUNDS]
Wall-clock times depend on what else runs on the machine; the CPU time of this process
is printed beside them as the figure least disturbed by other work.
Packages are exported from the 10-year benchmark database (bench/make_db.py) for every
child unit of the city, year 2024. Each round starts from a fresh city database and runs
the whole import path per package: the untrusted-file checks (copy, schema, quick_check,
validation, SHA-256), the preview inside the transaction and the apply. The city database
is the 10-year benchmark database itself, under another installation id, without the
wards' figures of that year. The floor is SQLite alone: ATTACH each package and
INSERT ... SELECT its figures and history.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_db import DEFAULT, build
from lcapp.models.handover import export_package
from lcapp.models.merge import apply_package
from lcapp.models.numbers import format_number
from lcapp.models.organisation import organisation
from lcapp.models.package_check import check_package
from lcapp.models.periods import parse_period
from lcapp.models.store import Store

CITY, YEAR = "tp_lai_chau", "2024"


def ms(seconds: float) -> str:
    return f"{format_number(seconds * 1000, 0)} ms"


def main(rounds: int = 5) -> None:
    DEFAULT.parent.mkdir(parents=True, exist_ok=True)
    build(DEFAULT).close()
    work = Path(tempfile.mkdtemp(prefix="lcapp-bench-"))
    try:
        # Export from a copy: an export is logged in its database, and the next package
        # would then carry only the history since (none), making later runs lighter.
        shutil.copyfile(DEFAULT, work / "wards.sqlite")
        source = Store(work / "wards.sqlite")
        wards = [u.code for u in organisation(source).children(CITY, parse_period(YEAR))]
        packages = []
        for ward in wards:
            path = work / f"{ward}.lcgoi"
            export_package(source, ward, [YEAR], path)
            packages.append(path)
        source.close()
        template = work / "city-template.sqlite"
        shutil.copyfile(DEFAULT, template)
        city = Store(template)
        with city.write() as conn:
            conn.execute("UPDATE meta SET value = 'city-bench' WHERE key = 'installation_id'")
            marks = ",".join("?" * len(wards))
            conn.execute(f"DELETE FROM figures WHERE month / 100 = ? AND unit IN ({marks})", (int(YEAR), *wards))
        city.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        city.close()
        full, cpus, checks, applies, floors = [], [], [], [], []
        rows = 0
        for number in range(rounds):
            city_path = work / f"city-{number}.sqlite"
            shutil.copyfile(template, city_path)
            city = Store(city_path)
            start, cpu_start = time.perf_counter(), time.process_time()
            check_time = 0.0
            rows = 0
            for path in packages:
                t0 = time.perf_counter()
                package = check_package(city, path)
                check_time += time.perf_counter() - t0
                result = apply_package(city, package, accept_sender=True)
                rows += result.written["new"]
            elapsed = time.perf_counter() - start
            cpus.append(time.process_time() - cpu_start)
            city.close()
            full.append(elapsed)
            checks.append(check_time)
            applies.append(elapsed - check_time)
            floor_path = work / f"floor-{number}.sqlite"
            shutil.copyfile(template, floor_path)
            floors.append(plain_copy(floor_path, packages))
        reader = Store(template)
        history = sum(check_package(reader, p).counts()["figure_history"] for p in packages)
        reader.close()
        print(f"{len(packages)} packages × 12 months, {format_number(rows, 0)} figures and "
              f"{format_number(history, 0)} history rows in all ({rounds} rounds)")
        print(f"{'':<38}{'median':>10}{'worst':>10}")
        for label, values in (("import (check + preview + apply)", full), ("  CPU time of this process", cpus),
                              ("  of which the file checks", checks),
                              ("  of which preview + apply", applies), ("floor: ATTACH + INSERT", floors)):
            print(f"{label:<38}{ms(statistics.median(values)):>10}{ms(max(values)):>10}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def plain_copy(path: Path, packages: list[Path]) -> float:
    conn = sqlite3.connect(str(path), isolation_level=None)
    start = time.perf_counter()
    conn.execute("BEGIN")
    for number, package in enumerate(packages):
        conn.execute(f"ATTACH ? AS p{number}", (str(package),))
        conn.execute(f"INSERT INTO figures SELECT * FROM p{number}.figures")
        conn.execute(f"""INSERT INTO figure_history (unit, month, indicator, version, action, month_value, ytd_value,
                             term_value, status, comment, entered_by, entered_at, reporter, origin)
                         SELECT unit, month, indicator, version, action, month_value, ytd_value, term_value, status,
                                comment, entered_by, entered_at, reporter, origin FROM p{number}.figures
                         JOIN (SELECT 'import' AS action)""")
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
