"""The command line: `python -m lcapp --db FILE COMMAND`, over the same core as the program.

Exit status: 0 on success, 2 on bad input (one Vietnamese line on stderr, nothing written);
a command may return 1 for "done, but something needs a person" (handover conflicts left, or a
file that would bring nothing).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import date
from pathlib import Path

from . import __version__
from .cli_words import install as install_argparse_words
from .models.catalogue import catalogue, load_catalogue, read_catalogue_file
from .models.documents import DOCUMENT_FIELDS, FIELD_LABELS, document_profile, set_document_profile
from .models.errors import DamagedDatabaseError, DatabaseError, InputError
from .models.figure_data import keep_figure_results
from .models.figures import STATUS_LABELS, enter, history
from .models.limits import parse_json
from .models.drafting import save_part
from .models.narrative import narratives, part_label, report_parts
from .models.numbers import format_number, format_percent, parse_number
from .models.organisation import KIND_LABELS as UNIT_KIND_LABELS
from .models.organisation import organisation
from .models.periods import parse_period
from .models.progress import PLAN_SOURCE, progress
from .models.setup import create_database
from .models.store import Store, sqlite_message
from .models.targets import (all_targets, delete_target, parse_target_value, set_target, target_history,
                             target_value_text, unit_targets)
from .paths import default_database

EXIT_OK, EXIT_OPEN_ERRORS, EXIT_BAD_INPUT = 0, 1, 2

class Parser(argparse.ArgumentParser):
    """argparse with its complaints as one Vietnamese line and exit status 2."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"lỗi: {message} (xem “{self.prog} --help”)\n")


def _json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _open(args) -> Store:
    from .models.backup import COMMAND_LINE_BACKUP_INTERVAL, session_backup

    store = Store(args.db)
    store.keeps_figure_cache = True

    def backup_first(opened: Store) -> None:
        try:
            session_backup(opened, unless_newer_than=COMMAND_LINE_BACKUP_INTERVAL)
        except DamagedDatabaseError:  # nothing is written into a file that fails its integrity check
            raise
        except (InputError, DatabaseError) as error:  # the work goes on; the user is told there is no fresh backup
            print(f"cảnh báo: chưa sao lưu được trước khi ghi: {error}", file=sys.stderr)

    store.before_first_write = backup_first
    args.opened.append(store)
    return store


# -- commands ---------------------------------------------------------------------------
def cmd_init(args) -> None:
    store = create_database(args.db)
    args.opened.append(store)
    cat, org = catalogue(store), organisation(store)
    print(f"Đã tạo {args.db}: {len(cat.sectors)} lĩnh vực, {len(cat.indicators)} chỉ tiêu, {len(org.units)} đơn vị.")


def cmd_catalog(args) -> None:
    from .catalogue_cli import show_catalogue
    show_catalogue(_open(args), args.period, args.json)


def cmd_catalog_load(args) -> None:
    store = _open(args)
    counts = load_catalogue(store, read_catalogue_file(args.file))
    print(f"Đã cập nhật danh mục: {counts['sectors']} lĩnh vực, {counts['indicators']} chỉ tiêu.")


def cmd_catalog_add(args) -> None:
    from .catalogue_cli import add_from_file
    add_from_file(_open(args), args)


def cmd_catalog_retire(args) -> None:
    from .catalogue_cli import retire
    retire(_open(args), args)


def cmd_catalog_export(args) -> None:
    from .catalogue_cli import export
    export(_open(args), args)


def cmd_catalog_history(args) -> None:
    from .catalogue_cli import history
    history(_open(args), args)


def cmd_catalog_package(args) -> None:
    from .catalogue_cli import package
    package(_open(args), args)


def cmd_units(args) -> None:
    org = organisation(_open(args))
    if args.json:
        _json([{"code": u.code, "name": u.name, "kind": u.kind, "parent": u.parent,
                "valid_from": u.valid_from and u.valid_from.isoformat(),
                "valid_to": u.valid_to and u.valid_to.isoformat(), "reports_for": u.reports_for,
                "predecessors": [p.as_json() for p in u.predecessors]}
               for u in org.units.values()])
        return
    for u in org.units.values():
        parent = f" ← {u.parent}" if u.parent else ""
        formed = ""
        if u.predecessors:
            formed = "; từ " + ", ".join(p.unit + ("" if p.whole else " (một phần)") for p in u.predecessors)
        print(f"{u.code:<20} {u.name} ({UNIT_KIND_LABELS[u.kind]}; {u.validity_text()}){parent}{formed}")


def cmd_enter(args) -> None:
    store = _open(args)
    basis = "ytd" if args.ytd else "term" if args.term else None
    status = "official" if args.official else "estimate" if args.estimate else None
    changed = enter(store, args.unit, args.period, args.indicator, parse_number(args.value), basis=basis,
                    status=status, comment=args.comment)
    print("Đã lưu." if changed else "Không thay đổi (giá trị như đã có).")


def cmd_clear(args) -> None:
    store = _open(args)
    basis = "ytd" if args.ytd else "term" if args.term else None
    changed = enter(store, args.unit, args.period, args.indicator, clear=True, basis=basis)
    print("Đã xóa (vẫn giữ trong lịch sử)." if changed else "Không có gì để xóa.")


def cmd_target(args) -> None:
    store = _open(args)
    value, low, high = parse_target_value(args.value)
    changed = set_target(store, args.unit, args.indicator, args.year, args.source, value, low=low, high=high,
                         cumulative=args.cumulative, note=args.note or "")
    print("Đã lưu kế hoạch." if changed else "Không thay đổi (kế hoạch như đã có).")


def cmd_target_delete(args) -> None:
    changed = delete_target(_open(args), args.unit, args.indicator, args.year, args.source)
    print("Đã xóa kế hoạch (vẫn giữ trong lịch sử)." if changed else "Không có kế hoạch này để xóa.")


TARGET_FIELDS = ("unit", "indicator", "period", "source", "value", "low", "high", "cumulative", "note")


def cmd_targets(args) -> None:
    store = _open(args)
    rows = unit_targets(store, args.unit, args.year) if args.unit else all_targets(store)
    if args.json:
        _json([{k: r[k] for k in TARGET_FIELDS} for r in rows])
        return
    for r in rows:
        how = " (cộng dồn)" if r["cumulative"] else ""
        print(f"{r['unit']:<18} {r['period']:<10} {r['source']:<7} {r['indicator']:<28} "
              f"{target_value_text(r['value'], r['low'], r['high'])}{how}  {r['note']}")


def cmd_target_history(args) -> None:
    rows = target_history(_open(args), args.unit, args.indicator, args.year, args.source)
    if args.json:
        _json(rows)
        return
    if not rows:
        print("Chưa có kế hoạch này.")
    for r in rows:
        how = " (cộng dồn)" if r["cumulative"] else ""
        note = f"; ghi chú: {r['note']}" if r["note"] else ""
        print(f"v{r['version']} {r['entered_at']} {r['entered_by']}: "
              f"{target_value_text(r['value'], r['low'], r['high'])}{how}{note}")


def cmd_import(args) -> None:
    """The same way in as the window's import and `handover-import` (CSV / JSON only): values of a
    locked unit-month are left out and named, the rest is written; a file that would bring
    nothing at all is refused with the reason (exit 2, nothing written)."""
    from .intake.incoming import open_figures_file
    from .models.import_outcome import locked_note, nothing_brought
    from .models.merge import IDENTICAL

    store = _open(args)
    incoming = open_figures_file(store, args.file)
    nothing = nothing_brought(store, incoming.preview)
    if nothing is not None and not nothing.ok:
        raise InputError(nothing.message)
    result = incoming.apply(store)
    unchanged = result.preview.counts()[IDENTICAL]
    print(f"Đã nhập {result.written['written']} số liệu ({unchanged} số liệu trùng với dữ liệu đã có, không đổi).")
    note = locked_note(store, result.preview)
    if note:
        print(note)


def cmd_export(args) -> None:
    from .export.interchange import export_csv, export_lcapp_json
    store = _open(args)
    if args.format == "dhis2":
        from .dhis2_cli import values_export
        text = values_export(store, args).text()
    else:
        text = export_lcapp_json(store) if args.format in ("lcapp-json", "json") else export_csv(store)
    if args.out:
        _write_file(Path(args.out), text)
        print(f"Đã xuất ra {args.out}.")
    else:
        sys.stdout.write(text)


def _write_file(path: Path, text: str) -> None:
    """Write through a temporary name so a failed write leaves no half file."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"Không ghi được tệp {path}: {error.strerror}.") from None


def cmd_dhis2_metadata(args) -> None:
    from .dhis2_cli import write_metadata
    write_metadata(_open(args), Path(args.out), _write_file)


def cmd_dhis2_push(args) -> int:
    from .dhis2_cli import run_push
    return run_push(_open(args), args)


def cmd_dhis2_pull(args) -> int:
    from .dhis2_cli import run_pull
    from .handover_cli import run_import
    return run_pull(_open(args), args, run_import)


def cmd_progress(args) -> None:
    store = _open(args)
    rows = progress(store, args.unit, args.period)
    if args.json:
        _json([row.as_json() for row in rows])
        return
    cat = catalogue(store)
    period = parse_period(args.period)
    print(f"Tiến độ {organisation(store).unit(args.unit).name}, {period.label}")
    for row in rows:
        if row.value is None and row.ytd is None and not row.targets:
            continue
        decimals = row.decimals
        parts = [f"{'  ' * row.depth}{row.name} ({row.dvt}):"]
        if row.value is not None:
            parts.append(f"kỳ này {format_number(row.value, decimals)}")
        if row.ytd is not None and row.kind == "flow" and not period.kind == "year":
            parts.append(f"lũy kế {format_number(row.ytd, decimals)}")
        for source, percent in row.percent_of_target.items():
            label = "KH vốn" if source == PLAN_SOURCE else cat.sources[source].short
            if percent is not None:
                parts.append(f"{format_percent(percent)}% {label}")
        if row.status:
            parts.append(f"[{STATUS_LABELS[row.status]}]")
        print(" ".join(parts))


def cmd_history(args) -> None:
    rows = history(_open(args), args.unit, args.period, args.indicator)
    if args.json:
        _json(rows)
        return
    if not rows:
        print("Chưa có số liệu này.")
    for r in rows:
        values = ", ".join(f"{label} {format_number(r[col], 6)}" for col, label in
                           (("month_value", "tháng"), ("ytd_value", "lũy kế"), ("term_value", "giai đoạn"))
                           if r[col] is not None) or "(đã xóa)"
        comment = f"; ghi chú: {r['comment']}" if r["comment"] else ""
        print(f"v{r['version']} {r['entered_at']} {r['entered_by']}: {values} "
              f"[{STATUS_LABELS[r['status']]}]{comment}")


def cmd_demo(args) -> None:
    from .models.demo import load_demo
    counts = load_demo(_open(args))
    print(f"Đã nạp dữ liệu mẫu từ các báo cáo: {counts['figures']} số liệu, {counts['targets']} kế hoạch, "
          f"{counts['narratives']} phần nội dung (nạp lại không thay đổi gì).")


def cmd_settings(args) -> None:
    store = _open(args)
    if args.key is None:
        for key, value in sorted(store.settings().items()):
            print(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        return
    if args.value is None:
        if args.key not in store.settings():
            raise InputError(f"Không có thiết lập “{args.key}”.")
        print(json.dumps(store.setting(args.key), ensure_ascii=False))
        return
    from .models.settings import change_setting
    change_setting(store, args.key, args.value)
    print("Đã lưu thiết lập.")


def cmd_documents(args) -> None:
    store = _open(args)
    day = _date(args.date) if args.date else date.today()
    if args.set:
        key, value = args.set
        if key == "recipients":
            value = parse_json(value, "Nơi nhận") if value.lstrip().startswith("[") else value.split("|")
        changed = set_document_profile(store, args.unit, {key: value}, day,
                                       from_day=_date(args.from_day) if args.from_day else None)
        print("Đã lưu." if changed else "Không thay đổi (như đã có).")
        return
    profile = document_profile(store, args.unit, day)
    if args.json:
        _json(profile.as_json())
        return
    unit = organisation(store).unit(args.unit)
    origin = "đơn vị đã sửa" if profile.edited else "mặc định"
    print(f"Văn bản của {unit.label}, áp dụng {profile.validity_text()} ({origin}):")
    for key in DOCUMENT_FIELDS:
        value = profile[key]
        if key == "recipients":
            print(f"  {FIELD_LABELS[key]}:")
            for line in value:
                print(f"    - {line}")
        else:
            print(f"  {FIELD_LABELS[key]}: {value}")


def _date(text: str):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"Ngày “{text}” không đúng dạng YYYY-MM-DD (ví dụ 2026-11-14).") from None


def cmd_narrative(args) -> None:
    store = _open(args)
    if args.text is None:
        texts = narratives(store, args.unit, args.period)
        if args.part:
            part_label(store, args.part)  # an unknown part is refused, naming the known ones
            print(texts.get(args.part, ""))
        else:  # every part, with its code for "narrative UNIT PERIOD PART --set ..."
            for part, label in report_parts(store):
                text = texts.get(part, "")
                print(f"== {part}: {label}\n{text if text else '(chưa viết)'}\n")
        return
    changed = save_part(store, args.unit, args.period, args.part, args.text)
    print("Đã lưu nội dung." if changed else "Không thay đổi.")


def cmd_check(args) -> int:
    from .models.checks import SEVERITY_LABELS, run_checks, summary_text
    from .models.findings import STATUS_LABELS as FINDING_STATUS_LABELS

    store = _open(args)
    findings = run_checks(store, args.unit, args.period)
    if args.json:
        _json([f.as_json() for f in findings])
    else:
        period = parse_period(args.period)
        print(f"Kiểm tra số liệu {organisation(store).unit(args.unit).name}, {period.label}: {summary_text(findings)}.")
        for f in findings:
            explained = f" [{FINDING_STATUS_LABELS[f.status]}: {f.explanation}]" if f.status == "explained" else ""
            where = f"{f.rule} / {f.subject}" if f.subject else f.rule  # a whole-report finding has none
            print(f"- {SEVERITY_LABELS[f.severity]} ({where}): {f.message}{explained}")
    return EXIT_OPEN_ERRORS if any(f.is_open_error for f in findings) else EXIT_OK


def cmd_acknowledge(args) -> None:
    from .models.check_status import acknowledge
    finding = acknowledge(_open(args), args.unit, args.period, args.rule, args.indicator, args.reason)
    print(f"Đã ghi giải trình ({finding.acknowledged_by}, {finding.acknowledged_at}): {finding.message}")


def cmd_complete(args) -> None:
    from .models.check_status import complete_period
    from .models.checks import summary_text
    findings = complete_period(_open(args), args.unit, args.period)
    print(f"Đã đánh dấu hoàn thành {parse_period(args.period).label}: {summary_text(findings)}.")


def cmd_draft(args) -> None:
    from .models.drafting import report_outline
    store = _open(args)
    items = report_outline(store, args.unit, args.period)
    if args.json:
        _json([{"kind": i.kind, "level": i.level, "label": i.label, "part": i.part, "text": i.text,
                "origin": i.origin, "new": i.new} for i in items])
        return
    origins = {"draft": "dự thảo từ số liệu", "official": "nội dung đã sửa"}
    for item in items:
        if item.kind == "heading":
            print(f"\n{item.label}")
            continue
        print(f"[{origins.get(item.origin, item.origin)}]")
        print(item.text)
        if item.new:
            print("[câu mới từ số liệu, chưa có trong nội dung đã sửa]")
            print("\n".join(item.new))


def cmd_report(args) -> None:
    from .export.report_file import write_report
    store = _open(args)
    path = write_report(store, args.unit, args.period, args.out)
    print(f"Đã ghi báo cáo {path}.")


def cmd_annex(args) -> None:
    from .export.annex_xlsx import write_annex_workbook
    path = write_annex_workbook(_open(args), args.unit, args.period, args.out)
    print(f"Đã xuất biểu phụ lục ra {path}.")


def cmd_template(args) -> None:
    from .export.templates_xlsx import write_entry_template
    path = write_entry_template(_open(args), args.unit, args.period, args.out)
    print(f"Đã xuất biểu mẫu nhập liệu ra {path}: điền vào các ô màu vàng rồi nhập lại bằng “template-import”.")


def cmd_targets_template(args) -> None:
    from .export.templates_xlsx import write_targets_template
    path = write_targets_template(_open(args), args.unit, args.year, args.out)
    print(f"Đã xuất biểu mẫu kế hoạch ra {path}: điền rồi nhập lại bằng “targets-import”.")


def _show_preview(store, preview, args) -> None:
    from .models.sheet_preview import apply_preview, preview_lines, refusal
    written = None
    if args.apply and not preview.errors:
        written = apply_preview(store, preview)
    if args.json:
        _json(dict(preview.as_json(), applied=written is not None, written=written or 0))
    else:
        print("\n".join(preview_lines(store, preview)))
        if written is not None:
            print(f"Đã ghi {written} {preview.what}.")
        elif not preview.errors:
            print("Chưa ghi gì: xem lại rồi chạy lại lệnh với --apply để ghi.")
    if preview.errors:
        raise refusal(preview)


def cmd_template_import(args) -> None:
    from .intake.entry_template import read_entry_template
    store = _open(args)
    _show_preview(store, read_entry_template(store, args.file), args)


def cmd_targets_import(args) -> None:
    from .intake.targets_sheet import read_targets_sheet
    store = _open(args)
    _show_preview(store, read_targets_sheet(store, args.file, unit=args.unit, period=args.year), args)


def cmd_handover_export(args) -> None:
    from .handover_cli import run_export
    run_export(_open(args), args)


def cmd_handover_import(args) -> int:
    from .handover_cli import run_import
    return run_import(_open(args), args)


def cmd_lock(args) -> None:
    from .models.locks import lock
    changed = lock(_open(args), args.unit, args.period)
    print(f"Đã khóa số liệu {changed} tháng." if changed else "Các tháng này đã khóa từ trước.")


def cmd_unlock(args) -> None:
    from .models.locks import unlock
    changed = unlock(_open(args), args.unit, args.period, args.reason)
    print(f"Đã mở khóa {changed} tháng (lý do đã ghi vào lịch sử)." if changed else "Các tháng này không bị khóa.")


def cmd_backup(args) -> None:
    from .models.backup import backup
    print(f"Đã sao lưu toàn bộ dữ liệu vào {backup(_open(args), args.out)}.")


def cmd_restore(args) -> None:
    from .handover_cli import run_restore
    run_restore(_open(args), args)


# -- parser -----------------------------------------------------------------------------
def build_parser() -> Parser:
    install_argparse_words()
    parser = Parser(prog="lcapp", description="LCApp: số liệu và báo cáo kinh tế - xã hội (dòng lệnh).")
    parser.add_argument("--db", type=Path, default=None, help="tệp dữ liệu (mặc định: thư mục dữ liệu người dùng)")
    parser.add_argument("--version", action="version", version=f"LCApp {__version__}",
                        help="hiện số phiên bản của chương trình rồi thoát")
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="LỆNH")

    def command(name, handler, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    command("init", cmd_init, "tạo tệp dữ liệu với danh mục và tổ chức có sẵn")
    p = command("catalog", cmd_catalog, "liệt kê lĩnh vực và chỉ tiêu (với --period: chỉ tiêu áp dụng trong kỳ)")
    p.add_argument("--period", help="kỳ: 202405, 2024Q2, 2024...")
    p.add_argument("--json", action="store_true")
    p = command("catalog-load", cmd_catalog_load, "nạp lại cả danh mục từ tệp TOML (tệp là toàn bộ danh mục)")
    p.add_argument("file", type=Path)
    p = command("catalog-add", cmd_catalog_add,
                "thêm, sửa chỉ tiêu từ tệp TOML ([[indicator]], [[sector]]) hoặc biểu danh mục Excel của tỉnh")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    p.add_argument("--yes", action="store_true", help="xác nhận đổi loại, cách nhập của chỉ tiêu đã có số liệu")
    p.add_argument("--skip-refused", action="store_true", help="ghi các mục nhận được, bỏ qua các mục bị từ chối")
    p.add_argument("--from", dest="start", metavar="YYYY-MM",
                   help="chỉ tiêu mới áp dụng từ tháng này (mặc định: tháng 1 năm nay)")
    p.add_argument("--json", action="store_true", help="(biểu Excel) xem trước dạng JSON")
    p = command("catalog-retire", cmd_catalog_retire,
                "ngừng theo dõi một chỉ tiêu (và các phần “trong đó”) sau một tháng; số liệu cũ vẫn giữ")
    p.add_argument("code")
    p.add_argument("--after", required=True, metavar="YYYY-MM", help="tháng cuối cùng còn theo dõi")
    p.add_argument("--dry-run", action="store_true")
    p = command("catalog-export", cmd_catalog_export, "xuất danh mục ra tệp .toml hoặc .xlsx")
    p.add_argument("--out", required=True, type=Path)
    p = command("catalog-history", cmd_catalog_history, "lịch sử thay đổi danh mục (ai, khi nào, trước và sau)")
    p.add_argument("code", nargs="?")
    p.add_argument("--json", action="store_true")
    p = command("catalog-package", cmd_catalog_package,
                "xuất gói danh mục chỉ tiêu để gửi các đơn vị cấp dưới (nhập bằng handover-import)")
    p.add_argument("--out", required=True, type=Path)
    p = command("units", cmd_units, "liệt kê đơn vị")
    p.add_argument("--json", action="store_true")
    p = command("enter", cmd_enter, "nhập một số liệu (số viết kiểu Việt Nam: 1.931; 144,86)")
    for name in ("unit", "period", "indicator", "value"):
        p.add_argument(name)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--ytd", action="store_true", help="giá trị là lũy kế từ đầu năm")
    which.add_argument("--term", action="store_true", help="giá trị là lũy kế từ đầu nhiệm kỳ")
    status = p.add_mutually_exclusive_group()
    status.add_argument("--official", action="store_true", help="số chính thức")
    status.add_argument("--estimate", action="store_true", help="số ước")
    p.add_argument("--comment")
    p = command("clear", cmd_clear, "xóa một số liệu (việc xóa được ghi vào lịch sử)")
    for name in ("unit", "period", "indicator"):
        p.add_argument(name)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--ytd", action="store_true")
    which.add_argument("--term", action="store_true")
    p = command("target", cmd_target, "đặt kế hoạch của một đơn vị: YEAR là năm (2026) hoặc nhiệm kỳ đã biết "
                "(2026-2030, tức nhiệm kỳ 2025-2030); VALUE là số hoặc khoảng 9,5-10")
    for name in ("unit", "indicator", "year", "source", "value"):
        p.add_argument(name)
    p.add_argument("--cumulative", action="store_true", help="kế hoạch là tổng cộng dồn cả nhiệm kỳ")
    p.add_argument("--note")
    p = command("target-delete", cmd_target_delete, "xóa một kế hoạch của một đơn vị (việc xóa được ghi vào lịch sử)")
    for name in ("unit", "indicator", "year", "source"):
        p.add_argument(name)
    p = command("targets", cmd_targets, "liệt kê kế hoạch của một đơn vị (không ghi đơn vị: của mọi đơn vị)")
    p.add_argument("unit", nargs="?")
    p.add_argument("--year", help="chỉ kế hoạch của năm hoặc nhiệm kỳ này")
    p.add_argument("--json", action="store_true")
    p = command("target-history", cmd_target_history, "mọi phiên bản của một kế hoạch (kể cả khi đã xóa)")
    for name in ("unit", "indicator", "year", "source"):
        p.add_argument(name)
    p.add_argument("--json", action="store_true")
    p = command("import", cmd_import, "nhập số liệu từ CSV hoặc JSON dataValueSets của DHIS2")
    p.add_argument("file", type=Path)
    p = command("export", cmd_export, "xuất số liệu: CSV, JSON riêng của LCApp (lcapp-json) "
                "hoặc dataValueSets nhập được vào DHIS2 (dhis2)")
    p.add_argument("--format", choices=("csv", "lcapp-json", "json", "dhis2"), default="csv",
                   help="json là tên cũ của lcapp-json")
    p.add_argument("--out")
    p = command("dhis2-metadata", cmd_dhis2_metadata,
                "xuất siêu dữ liệu DHIS2 (chỉ tiêu, bộ dữ liệu, đơn vị, chỉ số, quy tắc kiểm tra)")
    p.add_argument("--out", required=True, help="tệp .json cho Metadata import của DHIS2")
    for name, handler, help_text in (
            ("dhis2-push", cmd_dhis2_push, "gửi số liệu tháng lên máy chủ DHIS2 (chạy thử trước; --apply để nhập thật)"),
            ("dhis2-pull", cmd_dhis2_pull, "lấy số liệu từ máy chủ DHIS2 (xem trước; --apply để ghi)")):
        p = command(name, handler, help_text)
        p.add_argument("url", help="địa chỉ máy chủ, ví dụ https://play.dhis2.org/40.4.0")
        p.add_argument("--token", help="mã truy cập cá nhân (d2pat_...); hoặc biến môi trường LCAPP_DHIS2_TOKEN")
        p.add_argument("--org-unit", required=name == "dhis2-pull", help="mã đơn vị")
        p.add_argument("--period", required=name == "dhis2-pull", help="kỳ: 202405, 2024Q2, 2024...")
        p.add_argument("--apply", action="store_true", help="ghi thật (mặc định chỉ chạy thử / xem trước)")
        if name == "dhis2-pull":
            p.add_argument("--children", action="store_true", help="cả các đơn vị cấp dưới")
            p.add_argument("--json", action="store_true")
    p = command("progress", cmd_progress, "tiến độ thực hiện của một đơn vị trong một kỳ")
    p.add_argument("unit")
    p.add_argument("period")
    p.add_argument("--json", action="store_true")
    p = command("history", cmd_history, "mọi phiên bản của một số liệu")
    for name in ("unit", "period", "indicator"):
        p.add_argument(name)
    p.add_argument("--json", action="store_true")
    command("demo", cmd_demo, "nạp số liệu mẫu từ các báo cáo năm 2022-2024")
    p = command("settings", cmd_settings, "xem hoặc đổi thiết lập (đơn vị báo cáo, ngưỡng kiểm tra, ...)")
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")
    p = command("documents", cmd_documents, "cơ quan ban hành, địa danh, ký hiệu, người ký, nơi nhận của văn bản "
                "một đơn vị (theo ngày)")
    p.add_argument("unit")
    p.add_argument("--date", help="ngày của văn bản, YYYY-MM-DD (mặc định: hôm nay)")
    p.add_argument("--set", nargs=2, metavar=("MỤC", "GIÁ_TRỊ"),
                   help=f"đổi một mục ({', '.join(DOCUMENT_FIELDS)}); nơi nhận: các dòng cách nhau bởi |")
    p.add_argument("--from", dest="from_day", help="chỉ đổi từ ngày này (YYYY-MM-DD), trước đó giữ như cũ")
    p.add_argument("--json", action="store_true")
    p = command("narrative", cmd_narrative, "xem hoặc ghi nội dung báo cáo của một phần")
    p.add_argument("unit")
    p.add_argument("period")
    p.add_argument("part", nargs="?")
    p.add_argument("--set", dest="text")
    p = command("check", cmd_check, "kiểm tra số liệu của một đơn vị trong một kỳ "
                "(mã thoát 1 khi còn lỗi chưa giải trình)")
    p.add_argument("unit")
    p.add_argument("period")
    p.add_argument("--json", action="store_true")
    p = command("acknowledge", cmd_acknowledge, "giải trình một phát hiện của lệnh check (ai, khi nào, vì sao)")
    for name in ("unit", "period", "rule", "indicator"):
        p.add_argument(name)
    p.add_argument("--reason", required=True, help="lý do, lời giải trình")
    p = command("complete", cmd_complete, "đánh dấu hoàn thành kỳ báo cáo (bị từ chối khi còn lỗi chưa giải trình)")
    p.add_argument("unit")
    p.add_argument("period")
    p = command("draft", cmd_draft, "nội dung báo cáo soạn từ số liệu, theo đề cương (mục I-IV)")
    p.add_argument("unit")
    p.add_argument("period")
    p.add_argument("--json", action="store_true")
    p = command("report", cmd_report, "xuất báo cáo PDF hoặc Word theo Nghị định 30/2020 (kèm Biểu 01)")
    p.add_argument("unit")
    p.add_argument("period")
    p.add_argument("--out", required=True, help="tệp sẽ ghi: .pdf hoặc .docx (theo đuôi tệp)")
    p = command("annex", cmd_annex, "xuất biểu phụ lục (Biểu 01-04) ra tệp Excel")
    p.add_argument("unit")
    p.add_argument("period")
    p.add_argument("--out", required=True, help="tệp .xlsx")
    p = command("template", cmd_template, "xuất biểu mẫu Excel để nhập số liệu của một đơn vị trong một tháng")
    p.add_argument("unit")
    p.add_argument("period")
    p.add_argument("--out", required=True, help="tệp .xlsx")
    p = command("template-import", cmd_template_import,
                "xem trước (và với --apply thì ghi) số liệu từ biểu mẫu Excel đã điền")
    p.add_argument("file", type=Path)
    p.add_argument("--apply", action="store_true", help="ghi vào tệp dữ liệu (mặc định chỉ xem trước)")
    p.add_argument("--json", action="store_true")
    p = command("targets-template", cmd_targets_template,
                "xuất biểu mẫu Excel để nhập kế hoạch của một đơn vị trong một năm hoặc nhiệm kỳ")
    p.add_argument("unit")
    p.add_argument("year")
    p.add_argument("--out", required=True, help="tệp .xlsx")
    p = command("targets-import", cmd_targets_import,
                "xem trước (và với --apply thì ghi) kế hoạch từ tệp Excel (cột Mã hoặc Chỉ tiêu, mỗi nguồn một cột, "
                "cột Ghi chú là ghi chú của kế hoạch)")
    p.add_argument("file", type=Path)
    p.add_argument("--unit", help="đơn vị, khi tệp không phải biểu mẫu của LCApp")
    p.add_argument("--year", help="năm hoặc nhiệm kỳ, khi tệp không phải biểu mẫu của LCApp")
    p.add_argument("--apply", action="store_true", help="ghi vào tệp dữ liệu (mặc định chỉ xem trước)")
    p.add_argument("--json", action="store_true")
    p = command("handover-export", cmd_handover_export, "xuất gói dữ liệu (tệp SQLite) của một đơn vị để chép sang USB")
    p.add_argument("unit")
    p.add_argument("periods", nargs="+", metavar="period")
    p.add_argument("--out", required=True, help="tệp gói cần ghi")
    p.add_argument("--unit", dest="confirmed", action="append", default=[], metavar="MÃ",
                   help="xác nhận xuất một đơn vị không phải đơn vị báo cáo của máy này hay đơn vị cấp dưới")
    p = command("handover-import", cmd_handover_import,
                "nhập gói dữ liệu, tệp dữ liệu của đơn vị, CSV hoặc JSON DHIS2 (xem trước rồi mới ghi)")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    p.add_argument("--json", action="store_true")
    p.add_argument("--take", choices=("theirs", "ours"), help="giải quyết mọi xung đột: lấy số trong gói / giữ số đã có")
    p.add_argument("--accept-sender", action="store_true", help="xác nhận nhận gói từ máy gửi chưa biết hoặc khác")
    p.add_argument("--accept-new-key", action="store_true",
                   help="xác nhận máy gửi đã đổi khóa ký (đã cài lại, đơn vị xác nhận); khóa mới thay khóa cũ")
    p.add_argument("--unit", dest="units", action="append", default=[], metavar="MÃ",
                   help="tệp dữ liệu của cả cơ quan: nhập số liệu của đơn vị này (ghi nhiều lần cho nhiều đơn vị)")
    p = command("lock", cmd_lock, "khóa số liệu của một đơn vị trong một kỳ (đã nhận và duyệt)")
    p.add_argument("unit")
    p.add_argument("period")
    p = command("unlock", cmd_unlock, "mở khóa số liệu (phải ghi lý do)")
    p.add_argument("unit")
    p.add_argument("period")
    p.add_argument("--reason", required=True)
    p = command("backup", cmd_backup, "sao lưu toàn bộ dữ liệu vào một thư mục")
    p.add_argument("--out", required=True, type=Path)
    p = command("restore", cmd_restore, "phục hồi dữ liệu từ một bản sao lưu (xem trước, bản hiện tại được sao lưu trước)")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước")
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a bad command line (already reported)
        return exit_.code if isinstance(exit_.code, int) else EXIT_BAD_INPUT
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_OK
    if args.db is None:
        args.db = default_database()
    args.opened = []
    result = None
    try:
        result = args.handler(args)
        for store in args.opened:
            keep_figure_results(store)  # what the command computed, once it has succeeded
    except (InputError, DatabaseError) as error:
        return _fail(str(error))
    except (sqlite3.Error, UnicodeDecodeError) as error:  # SQLite's own, about the office's file
        return _fail(sqlite_message(error, Path(args.db)))
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
    except Exception:  # noqa: BLE001 - the one catch-all: logged with its traceback, told in Vietnamese
        return _fail(_unexpected(args))
    finally:
        for store in args.opened:
            store.close()
    return result if isinstance(result, int) else EXIT_OK


def _fail(message: str) -> int:
    """The one line a failed command ends with (stderr), and its exit status."""
    print(f"lỗi: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _unexpected(args) -> str:
    """Log the exception being handled with its traceback; the Vietnamese line for the user."""
    import logging

    from .app_log import setup_logging

    try:
        where = setup_logging()
        logging.getLogger("lcapp.cli").exception("unexpected error in command %s", args.command)
        logged = f"chi tiết đã ghi vào nhật ký {where}"
    except OSError:
        logged = "không ghi được nhật ký"
    return (f"lệnh “{args.command}” gặp lỗi không lường trước ({logged}). Số liệu đã lưu trước đó vẫn an toàn; "
            "nếu lỗi lặp lại, hãy gửi nhật ký cho cán bộ kỹ thuật.")
