"""How long the catalogue's work takes on the 10-year benchmark database (183.600 figures).

Usage: python bench/bench_catalogue.py   (builds bench/out/bench.sqlite first if needed; works on a copy)
Prints medians and worst runs of: reading the catalogue with every indicator's figure counts (what
the "Danh mục chỉ tiêu" dialog reads on the worker when it opens and after each change), planning
and writing a change (one transaction with its history), planning a retirement, reading the
province's Excel list of the whole catalogue, and a catalogue package exported and imported.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_db import DEFAULT, prepare, time_runs  # noqa: E402
from lcapp.models.catalogue_edit import read_state, retire_indicator, update_indicator  # noqa: E402
from lcapp.models.store import Store, set_settings  # noqa: E402

RUNS = 15


def say(what: str, times: list[float]) -> None:
    print(f"{what}: median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms over {len(times)} runs")


def main() -> None:
    prepare()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "bench.sqlite"
        shutil.copyfile(DEFAULT, copy)
        times, state = time_runs(read_state, RUNS, copy)
        say(f"read the catalogue and the figure counts of {len(state.uses)} indicators", times)
        times, _ = time_runs(lambda s: update_indicator(s, "tm_ban_le", {"name": "Tổng mức bán lẻ"}, dry_run=True),
                             RUNS, copy)
        say("plan a change (dry run)", times)
        names = iter(f"Tổng mức bán lẻ ({n})" for n in range(RUNS))
        times, _ = time_runs(lambda s: update_indicator(s, "tm_ban_le", {"name": next(names)}, user="bench"),
                             RUNS, copy)
        say("write a change with its history (one transaction)", times)
        times, _ = time_runs(lambda s: retire_indicator(s, "tm_ban_le", "2024-12", dry_run=True), RUNS, copy)
        say("plan a retirement with its parts", times)
        form(copy, Path(folder))
        package(copy, Path(folder))


def form(copy: Path, folder: Path) -> None:
    from lcapp.export.catalogue_file import write_catalogue
    from lcapp.intake.catalogue_form import read_catalogue_form

    store = Store(copy)
    path = write_catalogue(store, folder / "danh-muc.xlsx")
    store.close()
    times, preview = time_runs(lambda s: read_catalogue_form(s, path), 7, copy)
    say(f"read the province's list ({len(preview.rows)} rows) and preview it", times)


def package(copy: Path, folder: Path) -> None:
    from lcapp.models.handover import export_catalogue_package
    from lcapp.models.merge import apply_package
    from lcapp.models.package_check import check_package

    store = Store(copy)
    with store.write() as conn:
        set_settings(conn, {"reporting_unit": "lai_chau"})
    start = time.perf_counter()
    path = export_catalogue_package(store, folder / "danh-muc.lcpkg").path
    exported = (time.perf_counter() - start) * 1000
    store.close()
    ward = folder / "ward.sqlite"
    shutil.copyfile(DEFAULT, ward)
    store = Store(ward)
    with store.write() as conn:
        set_settings(conn, {"reporting_unit": "p_doan_ket"})
    start = time.perf_counter()
    result = apply_package(store, check_package(store, path), accept_sender=True)
    imported = (time.perf_counter() - start) * 1000
    store.close()
    print(f"catalogue package: exported (written, read back, verified) in {exported:.0f} ms; checked, previewed "
          f"and applied in {imported:.0f} ms ({result.written.get('catalogue', 0)} changes)")


if __name__ == "__main__":
    main()
