"""A process killed at random points while importing or exporting leaves a sound database with all or none."""

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lcapp.models.catalogue import catalogue
from lcapp.models.handover import export_package
from lcapp.models.package_check import check_package
from tests.handover_helpers import WARD, office

YEARS = [str(year) for year in range(2015, 2025)]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A ward database with ten years of every indicator, its package, and an empty city database."""
    folder = tmp_path_factory.mktemp("kill")
    ward = office(folder / "ward.sqlite", WARD)
    indicators = [i.code for i in catalogue(ward).indicators.values() if not i.derived]
    rows = [(WARD, int(year) * 100 + month, code, float(month), None, None, "official", "", "bench",
             "2024-12-31T00:00:00", WARD, ward.installation_id, 1)
            for year in YEARS for month in range(1, 13) for code in indicators]
    with ward.write() as conn:
        conn.executemany("INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    package = folder / "goi.lcgoi"
    export_package(ward, WARD, YEARS, package)
    ward.close()
    office(folder / "city.sqlite", "tp_lai_chau").close()
    return folder, len(rows)


def _run_and_kill(argv, delay, scratch: Path):
    # A killed import leaves its private copy of the package behind: keep it in the test's folder.
    scratch.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(scratch), TEMP=str(scratch), TMP=str(scratch))
    process = subprocess.Popen([sys.executable, "-m", "lcapp", *map(str, argv)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.kill()
    process.wait()


def _sound_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT count(*) FROM figures WHERE unit = ?", (WARD,)).fetchone()[0]
    finally:
        conn.close()


def _full_run_seconds(argv) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lcapp", *map(str, argv)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def test_killed_import_leaves_all_or_none(big, tmp_path):
    folder, total = big
    package = folder / "goi.lcgoi"
    trial = tmp_path / "trial.sqlite"
    shutil.copyfile(folder / "city.sqlite", trial)
    duration = _full_run_seconds(["--db", trial, "handover-import", package, "--accept-sender"])
    assert _sound_count(trial) == total
    rng = random.Random()
    for attempt in range(6):
        city = tmp_path / f"city-{attempt}.sqlite"
        shutil.copyfile(folder / "city.sqlite", city)
        _run_and_kill(["--db", city, "handover-import", package, "--accept-sender"], rng.uniform(0.05, duration),
                      tmp_path / "scratch")
        count = _sound_count(city)
        assert count in (0, total)


def test_killed_export_leaves_no_file_or_a_whole_one(big, tmp_path):
    folder, total = big
    source = tmp_path / "ward.sqlite"
    shutil.copyfile(folder / "ward.sqlite", source)
    duration = _full_run_seconds(["--db", source, "handover-export", WARD, *YEARS, "--out", tmp_path / "full.lcgoi"])
    rng = random.Random()
    from lcapp.models.store import Store
    for attempt in range(6):
        out = tmp_path / f"goi-{attempt}.lcgoi"
        _run_and_kill(["--db", source, "handover-export", WARD, *YEARS, "--out", out], rng.uniform(0.05, duration),
                      tmp_path / "scratch")
        assert _sound_count(source) == total
        if out.exists():
            store = Store(source)
            try:
                assert len(check_package(store, out).rows["figures"]) == total
            finally:
                store.close()
