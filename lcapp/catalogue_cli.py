"""Command-line output of the catalogue commands (kept out of cli.py, which holds the parser):
`catalog`, `catalog-add`, `catalog-retire`, `catalog-export`, `catalog-history`, `catalog-package`."""

from __future__ import annotations

import json

from .models.catalogue import (
    KIND_LABELS,
    catalogue,
    catalogue_history,
    month_text,
    parse_validity_month,
    read_catalogue_file,
)
from .models.catalogue_edit import CataloguePlan, apply_catalogue_file, refused_text, retire_indicator
from .models.errors import InputError
from .models.periods import parse_period
from .models.store import Store

ACTION_LABELS = {"add": "thêm", "change": "sửa", "move": "chuyển chỗ", "retire": "ngừng theo dõi", "remove": "bỏ"}
KIND_WORDS = {"indicator": "chỉ tiêu", "sector": "lĩnh vực", "source": "nguồn kế hoạch"}


def _month_code(key: int | None) -> str | None:
    return None if key is None else str(key)


def show_catalogue(store: Store, period_text: str | None, as_json: bool) -> None:
    """The catalogue, or what is valid in a period: sectors and their indicators."""
    cat = catalogue(store)
    period = parse_period(period_text) if period_text else None
    indicators = cat.valid_in(period) if period else list(cat.indicators.values())
    if as_json:
        print(json.dumps([{"code": i.code, "name": i.name, "unit": i.unit, "sector": i.sector, "parent": i.parent,
                           "kind": i.kind, "direction": i.direction, "decimals": i.decimals,
                           "summable": i.summable, "entry": i.entry, "formula": i.formula or None,
                           "valid_from": _month_code(i.valid_from), "valid_to": _month_code(i.valid_to)}
                          for i in indicators], ensure_ascii=False, indent=2))
        return
    chosen = {i.code for i in indicators}
    if period:
        print(f"Chỉ tiêu áp dụng trong {period.label}: {len(chosen)} (trên {len(cat.indicators)} của danh mục).")
    for sector in cat.sectors.values():
        members = [i for i in cat.in_sector(sector.code) if i.code in chosen]
        if not members and period:
            continue
        print(f"\n[{sector.code}] {sector.outline}. {sector.name}")
        for ind in members:
            indent = "    " * cat.depth(ind.code)
            extra = f" = {ind.formula}" if ind.formula else ""
            validity = "" if ind.valid_from is None and ind.valid_to is None else f" [áp dụng {ind.validity_text()}]"
            print(f"  {indent}{ind.code:<28} {ind.name} ({ind.unit}; {KIND_LABELS[ind.kind]}){extra}{validity}")


def _print_plan(plan: CataloguePlan, *, written: bool) -> None:
    for line in plan.summary:
        print(f"- {line}")
    for line in plan.effects:
        print(f"  ⚠ {line}")
    if not plan.summary:
        print("Không có gì thay đổi.")
    elif written:
        print(f"Đã ghi {len(plan.changed)} chỉ tiêu thay đổi và {len(plan.changed_sectors)} lĩnh vực "
              "(lịch sử: “catalog-history”).")
    else:
        print("Chưa ghi gì (xem trước).")


def add_from_file(store: Store, args) -> None:
    """catalog-add: a TOML file of [[indicator]] (and [[sector]]) entries, or the province's Excel list."""
    default_from = parse_validity_month(args.start, "Tham số --from", "tháng") if args.start else None
    from .intake.workbook import looks_like_workbook
    if looks_like_workbook(args.file):
        _add_from_form(store, args, default_from)
        return
    data = read_catalogue_file(args.file)
    plan = apply_catalogue_file(store, data, confirm=args.yes, dry_run=args.dry_run, skip_refused=args.skip_refused,
                                default_from=default_from, note=f"tệp {args.file.name}")
    if plan.refused:
        print(f"Không nhận {len(plan.refused)} mục: {refused_text(data, plan.refused)}.")
    _print_plan(plan, written=not args.dry_run)
    if args.dry_run and plan.refused and not args.skip_refused:
        raise InputError(f"Tệp có {len(plan.refused)} mục không nhận được (xem trên); sửa tệp hoặc dùng "
                         "--skip-refused để chỉ ghi các mục còn lại.")


def _add_from_form(store: Store, args, default_from: int | None) -> None:
    from .intake.catalogue_form import STATUS_LABELS, apply_form, read_catalogue_form

    preview = read_catalogue_form(store, args.file, default_from=default_from)
    if args.json:
        print(json.dumps(preview.as_json(), ensure_ascii=False, indent=2))
    else:
        counts = ", ".join(f"{preview.count(s)} {label}" for s, label in STATUS_LABELS.items() if preview.count(s))
        print(f"Biểu danh mục {args.file.name}: {counts}.")
        for row in preview.rows:
            if row.status in ("same", "sector"):
                continue
            reason = f" — {row.reason}" if row.reason else ""
            code = f" [{row.code}]" if row.code else ""
            print(f"  [{STATUS_LABELS[row.status]}] {row.where} {row.stt} {row.name} ({row.unit or '?'}){code}{reason}")
        if preview.plan is not None:
            for line in preview.plan.effects:
                print(f"  ⚠ {line}")
    if preview.refused and not args.skip_refused:
        raise InputError(f"{len(preview.refused)} dòng không nhận được (xem trên); chưa ghi gì. Sửa biểu, hoặc chạy "
                         "lại với --skip-refused để chỉ ghi các dòng nhận được.")
    if args.dry_run or not preview.data.get("indicator"):
        if not args.json:
            print("Chưa ghi gì (xem trước)." if preview.data.get("indicator") else "Không có gì để ghi.")
        return
    plan = apply_form(store, preview, confirm=args.yes, default_from=default_from)
    if not args.json:
        print(f"Đã ghi {len(plan.changed)} chỉ tiêu (lịch sử: “catalog-history”).")


def retire(store: Store, args) -> None:
    plan = retire_indicator(store, args.code, args.after, dry_run=args.dry_run)
    _print_plan(plan, written=not args.dry_run)


def export(store: Store, args) -> None:
    from .export.catalogue_file import write_catalogue
    path = write_catalogue(store, args.out)
    print(f"Đã xuất danh mục ({len(catalogue(store).indicators)} chỉ tiêu) ra {path}.")


def history(store: Store, args) -> None:
    rows = catalogue_history(store, args.code)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        what = row["after"] or row["before"]
        note = f" ({row['note']})" if row["note"] else ""
        extra = ""
        if row["action"] == "retire" and row["after"]:
            extra = f": từ sau tháng {month_text(row['after']['valid_to'])}"
        print(f"{row['changed_at']} {row['changed_by']}: {ACTION_LABELS.get(row['action'], row['action'])} "
              f"{KIND_WORDS[row['kind']]} {row['code']} “{what.get('name', '')}”{extra}{note}")


def package(store: Store, args) -> None:
    from .models.handover import export_catalogue_package
    result = export_catalogue_package(store, args.out)
    print(f"Đã xuất gói danh mục {result.path}: {result.counts['indicators']} chỉ tiêu, {result.counts['sectors']} "
          f"lĩnh vực; SHA-256 {result.sha256[:16]}…. Các đơn vị nhập bằng “handover-import” (xem trước rồi mới ghi).")
