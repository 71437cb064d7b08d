"""Command-line output of handover imports and restores (kept out of cli.py, which holds the parser)."""

from __future__ import annotations

import json

from .export.incoming import open_incoming
from .models.backup import restore, restore_preview
from .models.merge import IDENTICAL, SENDER_LABELS, STATUS_LABELS, describe
from .models.numbers import format_number
from .models.store import Store

EXIT_OK, EXIT_NEEDS_DECISION = 0, 1


def run_import(store: Store, args) -> int:
    """Preview a handover file or CSV / DHIS2 file, then (unless --dry-run) apply it."""
    incoming = open_incoming(store, args.file)
    result = None
    shown = incoming.preview
    if not args.dry_run:
        result = incoming.apply(store, take=args.take, accept_sender=args.accept_sender)
        shown = result.preview
    left = result.conflicts_left if result is not None else []
    if args.json:
        data = shown.as_json()
        data["dry_run"] = bool(args.dry_run)
        data["written"] = result.written if result is not None else {}
        data["conflicts_left"] = [row.key for row in left]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_preview(store, shown, dry_run=args.dry_run)
        if left:
            print(f"Còn {len(left)} xung đột chưa giải quyết (giữ nguyên số đã có); chạy lại với "
                  "--take theirs (lấy số trong gói) hoặc --take ours (giữ số đã có):")
            for row in left:
                print("  " + describe(store, row))
    return EXIT_NEEDS_DECISION if left or (args.dry_run and shown.conflicts and not args.take) else EXIT_OK


def _print_preview(store: Store, shown, *, dry_run: bool) -> None:
    counts = shown.counts()
    head = "Xem trước (chưa ghi gì)" if dry_run else "Đã nhập"
    source = {"package": "gói dữ liệu", "database": "tệp dữ liệu của đơn vị", "file": "tệp số liệu"}[shown.source]
    what = f"{len(shown.months)} tháng" if shown.months else "danh mục chỉ tiêu"
    print(f"{head}: {source} của {shown.unit}, {what}.")
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
