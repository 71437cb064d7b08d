"""Command-line output of handover imports and restores (kept out of cli.py, which holds the parser)."""

from __future__ import annotations

import json
import sys

from .intake.incoming import open_incoming
from .models.backup import restore, restore_preview
from .models.catalogue_package import CATALOGUE_KIND
from .models.errors import InputError
from .models.handover import export_package, handed_over_unit, outside_reporting_scope
from .models.import_outcome import WRONG_UNIT, locked_note, nothing_brought, other_units_note
from .models.locks import month_label
from .models.merge import IDENTICAL, SENDER_LABELS, STATUS_LABELS, describe
from .models.numbers import format_number
from .models.organisation import organisation
from .models.store import Store

EXIT_OK, EXIT_NEEDS_DECISION = 0, 1


def run_export(store: Store, args) -> None:
    """handover-export: refuse a unit outside this office's own unless --unit names it; say what was written."""
    confirmed = {handed_over_unit(store, code).code for code in args.confirmed}
    unit = handed_over_unit(store, args.unit)
    if confirmed - {unit.code}:
        raise InputError(f"--unit chỉ để xác nhận đơn vị đang xuất ({unit.code}); gói chỉ chứa một đơn vị.")
    problem = outside_reporting_scope(store, unit.code)
    if problem and unit.code not in confirmed:
        raise InputError(f"{problem} Nếu đúng là cần xuất, ghi thêm --unit {unit.code}; chưa ghi tệp nào.")
    result = export_package(store, unit.code, args.periods, args.out)
    counts = result.counts
    print(f"Đã xuất gói {result.path}: đơn vị {unit.name} ({unit.code}); "
          f"{', '.join(month_label(m) for m in result.months)}.")
    print(f"Gồm {counts['figures']} số liệu, {counts['narratives']} nội dung, {counts['targets']} kế hoạch, "
          f"{counts['figure_history']} dòng lịch sử; SHA-256 {result.sha256[:16]}….")


def run_import(store: Store, args) -> int:
    """Preview a handover file or CSV / DHIS2 file, then (unless --dry-run) apply it.

    A file that would bring nothing says why on stderr and exits 1 without writing, unless
    everything in it is already here (exit 0, said on stdout).
    """
    incoming = open_incoming(store, args.file, args.units or None, accept_new_key=args.accept_new_key)
    nothing = nothing_brought(store, incoming.preview)
    stop = nothing is not None and not nothing.ok
    # the wrong-unit reason already names the units the file has
    note = "" if stop and nothing.reason == WRONG_UNIT else other_units_note(store, incoming.preview)
    dry_run = args.dry_run or stop
    result = None
    shown = incoming.preview
    if not dry_run:
        result = incoming.apply(store, take=args.take, accept_sender=args.accept_sender)
        shown = result.preview
    left = result.conflicts_left if result is not None else []
    if args.json:
        data = shown.as_json()
        data["dry_run"] = bool(dry_run)
        data["written"] = result.written if result is not None else {}
        data["conflicts_left"] = [row.key for row in left]
        data["nothing"] = nothing.as_json() if nothing else None
        data["note"] = note
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_preview(store, shown, dry_run=dry_run)
        left_out = locked_note(store, shown) if not stop else ""  # when nothing comes, `nothing` says it
        for text in (note, left_out, nothing.message if nothing and nothing.ok else ""):
            if text:
                print(text)
        if left:
            print(f"Còn {len(left)} xung đột chưa giải quyết (giữ nguyên số đã có); chạy lại với "
                  "--take theirs (lấy số trong gói) hoặc --take ours (giữ số đã có):")
            for row in left:
                print("  " + describe(store, row))
    if stop:
        print(nothing.message, file=sys.stderr)
        return EXIT_NEEDS_DECISION
    return EXIT_NEEDS_DECISION if left or (args.dry_run and shown.conflicts and not args.take) else EXIT_OK


def _print_preview(store: Store, shown, *, dry_run: bool) -> None:
    counts = shown.counts()
    head = "Xem trước (chưa ghi gì)" if dry_run else "Đã nhập"
    source = {"package": "gói dữ liệu", "database": "tệp dữ liệu của một văn phòng",
              "file": "tệp số liệu"}[shown.source]
    org = organisation(store)
    units = ", ".join(f"{org.units[u].name} ({u})" if u in org.units else u for u in shown.unit.split(",") if u)
    carries_catalogue = any(row.kind == CATALOGUE_KIND for row in shown.rows)
    what = f"{len(shown.months)} tháng" if shown.months or not carries_catalogue else "danh mục chỉ tiêu"
    print(f"{head}: {source}, đơn vị {units}, {what}.")
    if shown.source != "file":
        print(f"Máy gửi: {shown.sender[:8]}… ({SENDER_LABELS[shown.sender_status]}).")
    print("; ".join(f"{STATUS_LABELS[s]} {format_number(n, 0)}" for s, n in counts.items()) + ".")
    for row in shown.rows:
        if row.status != IDENTICAL:
            print("  " + describe(store, row))


def run_restore(store: Store, args) -> None:
    info = restore_preview(store, args.file)
    print(f"Bản sao lưu {info.path.name} (lưu lúc {info.modified_at}, lược đồ {info.schema_version}"
          f"{'' if info.same_installation else ', từ MÁY KHÁC'}):")
    for table, now in info.counts_now.items():
        print(f"  {table}: hiện có {format_number(now, 0)}, bản sao lưu có "
              f"{format_number(info.counts_backup.get(table, 0), 0)}")
    if args.dry_run:
        print("Chưa phục hồi (chỉ xem trước).")
        return
    safety = restore(store, args.file)
    print(f"Đã phục hồi. Dữ liệu trước khi phục hồi được giữ ở {safety}.")
