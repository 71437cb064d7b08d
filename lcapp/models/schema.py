"""Numbered schema migrations. Append new ones; never edit one that has shipped.

Each migration is a list of SQL statements (or a function of the connection, for data that
SQL alone cannot move) run in one transaction together with the row that records it in
`schema_migrations`; `PRAGMA user_version` holds the number of the
last one applied so that a newer database is recognised before anything is touched.
"""

MIGRATION_1 = [
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE target_sources (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        short TEXT NOT NULL,
        phrase TEXT NOT NULL,
        position INTEGER NOT NULL
    )""",
    """CREATE TABLE sectors (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        short TEXT NOT NULL,
        parent TEXT REFERENCES sectors(code),
        outline TEXT NOT NULL DEFAULT '',
        narrative_only INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL
    )""",
    """CREATE TABLE indicators (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        unit TEXT NOT NULL,
        sector TEXT NOT NULL REFERENCES sectors(code),
        parent TEXT REFERENCES indicators(code),
        kind TEXT NOT NULL CHECK (kind IN ('flow', 'stock', 'rate')),
        direction TEXT NOT NULL CHECK (direction IN ('up', 'down', 'range')),
        decimals INTEGER NOT NULL DEFAULT 0,
        summable INTEGER NOT NULL,
        entry TEXT NOT NULL CHECK (entry IN ('month', 'ytd')),
        parts TEXT NOT NULL DEFAULT '' CHECK (parts IN ('', 'complete', 'partial', 'none')),
        formula TEXT NOT NULL DEFAULT '',
        measured_by TEXT NOT NULL DEFAULT '',
        measured_note TEXT NOT NULL DEFAULT '',
        plan_indicator TEXT NOT NULL DEFAULT '',
        min_value REAL,
        max_value REAL,
        key INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL
    )""",
    """CREATE TABLE units (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('province', 'city', 'ward', 'commune', 'department')),
        parent TEXT REFERENCES units(code),
        valid_from TEXT,
        valid_to TEXT,
        reports_for TEXT REFERENCES units(code),
        sectors TEXT NOT NULL DEFAULT '[]',
        predecessors TEXT NOT NULL DEFAULT '[]',
        position INTEGER NOT NULL
    )""",
    # One row per indicator x unit x month. month_value / ytd_value / term_value hold what
    # was entered (the month's own value, the year-to-date, the term-to-date); the core
    # derives the others. A row with all three NULL is a cleared figure, kept so that a
    # merge can tell "cleared there" from "never entered".
    """CREATE TABLE figures (
        unit TEXT NOT NULL REFERENCES units(code),
        month INTEGER NOT NULL,
        indicator TEXT NOT NULL REFERENCES indicators(code),
        month_value REAL,
        ytd_value REAL,
        term_value REAL,
        status TEXT NOT NULL CHECK (status IN ('estimate', 'official')),
        comment TEXT NOT NULL DEFAULT '',
        entered_by TEXT NOT NULL,
        entered_at TEXT NOT NULL,
        reporter TEXT NOT NULL,
        origin TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (unit, month, indicator)
    ) WITHOUT ROWID""",
    """CREATE TABLE figure_history (
        id INTEGER PRIMARY KEY,
        unit TEXT NOT NULL,
        month INTEGER NOT NULL,
        indicator TEXT NOT NULL,
        version INTEGER NOT NULL,
        action TEXT NOT NULL,
        month_value REAL,
        ytd_value REAL,
        term_value REAL,
        status TEXT NOT NULL,
        comment TEXT NOT NULL,
        entered_by TEXT NOT NULL,
        entered_at TEXT NOT NULL,
        reporter TEXT NOT NULL,
        origin TEXT NOT NULL
    )""",
    "CREATE INDEX figure_history_key ON figure_history (unit, month, indicator, version)",
    """CREATE TABLE targets (
        indicator TEXT NOT NULL REFERENCES indicators(code),
        period TEXT NOT NULL,
        source TEXT NOT NULL REFERENCES target_sources(code),
        value REAL,
        low REAL,
        high REAL,
        cumulative INTEGER NOT NULL DEFAULT 0,
        note TEXT NOT NULL DEFAULT '',
        entered_by TEXT NOT NULL,
        entered_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (indicator, period, source),
        CHECK ((value IS NOT NULL AND low IS NULL AND high IS NULL)
            OR (value IS NULL AND low IS NOT NULL AND high IS NOT NULL AND low <= high)
            OR (value IS NULL AND low IS NULL AND high IS NULL))
    )""",
    """CREATE TABLE target_history (
        id INTEGER PRIMARY KEY,
        indicator TEXT NOT NULL,
        period TEXT NOT NULL,
        source TEXT NOT NULL,
        version INTEGER NOT NULL,
        value REAL,
        low REAL,
        high REAL,
        cumulative INTEGER NOT NULL,
        note TEXT NOT NULL,
        entered_by TEXT NOT NULL,
        entered_at TEXT NOT NULL
    )""",
    # Narrative text per unit x period x part of the report (a sector code, or one of the
    # report's own parts such as the assessment and the next tasks).
    """CREATE TABLE narratives (
        unit TEXT NOT NULL REFERENCES units(code),
        period TEXT NOT NULL,
        part TEXT NOT NULL,
        text TEXT NOT NULL,
        edited_by TEXT NOT NULL,
        edited_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (unit, period, part)
    )""",
    """CREATE TABLE narrative_history (
        id INTEGER PRIMARY KEY,
        unit TEXT NOT NULL,
        period TEXT NOT NULL,
        part TEXT NOT NULL,
        version INTEGER NOT NULL,
        text TEXT NOT NULL,
        edited_by TEXT NOT NULL,
        edited_at TEXT NOT NULL
    )""",
]

# Figure checks: built-in rules switched off per indicator, rules written in the catalogue
# ("left op right" over indicator expressions), explanations of findings, and the periods a
# unit has marked complete ("hoàn thành").
MIGRATION_CHECKS = [
    "ALTER TABLE indicators ADD COLUMN checks_off TEXT NOT NULL DEFAULT '[]'",
    """CREATE TABLE check_rules (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        left_side TEXT NOT NULL,
        operator TEXT NOT NULL CHECK (operator IN ('==', '!=', '<', '<=', '>', '>=')),
        right_side TEXT NOT NULL,
        importance TEXT NOT NULL CHECK (importance IN ('error', 'warning', 'note')),
        message TEXT NOT NULL,
        quantity TEXT NOT NULL DEFAULT 'value' CHECK (quantity IN ('value', 'ytd')),
        position INTEGER NOT NULL
    )""",
    """CREATE TABLE check_explanations (
        unit TEXT NOT NULL REFERENCES units(code),
        period TEXT NOT NULL,
        rule TEXT NOT NULL,
        indicator TEXT NOT NULL,
        reason TEXT NOT NULL,
        explained_by TEXT NOT NULL,
        explained_at TEXT NOT NULL,
        PRIMARY KEY (unit, period, rule, indicator)
    )""",
    """CREATE TABLE period_completions (
        unit TEXT NOT NULL REFERENCES units(code),
        period TEXT NOT NULL,
        completed_by TEXT NOT NULL,
        completed_at TEXT NOT NULL,
        PRIMARY KEY (unit, period)
    )""",
]

# The draft (text drafted from the figures) a part's narrative was last saved from, so that
# a new draft never overwrites what an official has edited and only new sentences are offered.
MIGRATION_NARRATIVE_DRAFTS = [
    """CREATE TABLE narrative_drafts (
        unit TEXT NOT NULL,
        period TEXT NOT NULL,
        part TEXT NOT NULL,
        text TEXT NOT NULL,
        drafted_at TEXT NOT NULL,
        PRIMARY KEY (unit, period, part)
    )""",
]

# USB handover between offices: the manifest a package carries, locked unit-months (khóa
# số liệu) and their history, which installation sends for which unit, the last version
# seen of every row per sending installation (to tell "changed there" from "changed
# here"), a log of packages sent and received, and the history rows packages brought.
MIGRATION_HANDOVER = [
    """CREATE TABLE handover_manifest (
        package_id TEXT PRIMARY KEY,
        unit TEXT NOT NULL,
        periods TEXT NOT NULL,
        sender TEXT NOT NULL,
        app_version TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        row_counts TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sha256 TEXT NOT NULL
    )""",
    """CREATE TABLE period_locks (
        unit TEXT NOT NULL,
        month INTEGER NOT NULL,
        locked_by TEXT NOT NULL,
        locked_at TEXT NOT NULL,
        PRIMARY KEY (unit, month)
    ) WITHOUT ROWID""",
    """CREATE TABLE lock_history (
        id INTEGER PRIMARY KEY,
        unit TEXT NOT NULL,
        month INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('lock', 'unlock')),
        reason TEXT NOT NULL,
        user TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    """CREATE TABLE unit_senders (
        unit TEXT PRIMARY KEY,
        installation TEXT NOT NULL,
        accepted_by TEXT NOT NULL,
        accepted_at TEXT NOT NULL
    )""",
    """CREATE TABLE handover_seen (
        sender TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        their_version INTEGER NOT NULL,
        our_version INTEGER NOT NULL,
        PRIMARY KEY (sender, kind, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE handover_log (
        id INTEGER PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('export', 'import')),
        sha256 TEXT NOT NULL,
        sender TEXT NOT NULL,
        unit TEXT NOT NULL,
        periods TEXT NOT NULL,
        history_upto INTEGER NOT NULL,
        user TEXT NOT NULL,
        at TEXT NOT NULL,
        summary TEXT NOT NULL,
        UNIQUE (direction, sha256)
    )""",
    """CREATE TABLE received_history (
        sender TEXT NOT NULL,
        kind TEXT NOT NULL,
        their_id INTEGER NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (sender, kind, their_id)
    ) WITHOUT ROWID""",
]

# Signed packages: the manifest carries the sender's Ed25519 public key and its signature over
# the SHA-256 (both empty in packages of older versions), and each sending installation's key
# is pinned on first contact (see signing.py). The office's own private key is a `meta` row,
# made by Store when it migrates (new and older databases alike).
MIGRATION_SIGNATURES = [
    "ALTER TABLE handover_manifest ADD COLUMN public_key TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE handover_manifest ADD COLUMN signature TEXT NOT NULL DEFAULT ''",
    """CREATE TABLE sender_keys (
        installation TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        accepted_by TEXT NOT NULL,
        accepted_at TEXT NOT NULL
    )""",
]

# Targets belong to a unit (indicator x unit x year-or-term x source): the targets a database
# held for itself become those of its reporting unit (a department's: of the unit it reports
# for). Known terms (nhiệm kỳ) become data: the two terms as resources/terms.toml had them
# when this migration was written, plus any term an existing target already uses, so old
# data stays readable. Target sources get names per level of unit (ward, commune, province),
# filled here for the bundled sources still worded as the city's.
MIGRATION_TARGET_UNITS = [
    """CREATE TABLE terms (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        first_year INTEGER NOT NULL,
        last_year INTEGER NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        position INTEGER NOT NULL
    )""",
    """INSERT INTO terms (code, name, first_year, last_year, aliases, position) VALUES
        ('2021-2025', 'nhiệm kỳ 2020-2025', 2021, 2025, '["2020-2025"]', 0),
        ('2026-2030', 'nhiệm kỳ 2025-2030', 2026, 2030, '["2025-2030"]', 1)""",
    """INSERT OR IGNORE INTO terms (code, name, first_year, last_year, aliases, position)
        SELECT DISTINCT period, 'giai đoạn ' || period, CAST(substr(period, 1, 4) AS INTEGER),
               CAST(substr(period, 6, 4) AS INTEGER), '[]', 100
        FROM targets WHERE period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'""",
    """CREATE TABLE targets_by_unit (
        unit TEXT NOT NULL REFERENCES units(code),
        indicator TEXT NOT NULL REFERENCES indicators(code),
        period TEXT NOT NULL,
        source TEXT NOT NULL REFERENCES target_sources(code),
        value REAL,
        low REAL,
        high REAL,
        cumulative INTEGER NOT NULL DEFAULT 0,
        note TEXT NOT NULL DEFAULT '',
        entered_by TEXT NOT NULL,
        entered_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (unit, period, indicator, source),
        CHECK ((value IS NOT NULL AND low IS NULL AND high IS NULL)
            OR (value IS NULL AND low IS NOT NULL AND high IS NOT NULL AND low <= high)
            OR (value IS NULL AND low IS NULL AND high IS NULL))
    )""",
    # The unit the database reported for: its `reporting_unit` setting (a department's own
    # unit), else the first city, else the first unit (a database always had one of them).
    """CREATE TEMP TABLE migration_target_owner AS SELECT coalesce(
        (SELECT CASE WHEN u.kind = 'department' THEN u.reports_for ELSE u.code END FROM units u
         WHERE u.code = (SELECT json_extract(value, '$') FROM settings WHERE key = 'reporting_unit')),
        (SELECT code FROM units WHERE kind = 'city' ORDER BY position LIMIT 1),
        (SELECT code FROM units ORDER BY position LIMIT 1)) AS unit""",
    """INSERT INTO targets_by_unit (unit, indicator, period, source, value, low, high, cumulative, note,
                                    entered_by, entered_at, version)
        SELECT (SELECT unit FROM migration_target_owner), indicator, period, source, value, low, high,
               cumulative, note, entered_by, entered_at, version FROM targets""",
    "DROP TABLE targets",
    "ALTER TABLE targets_by_unit RENAME TO targets",
    """CREATE TABLE target_history_by_unit (
        id INTEGER PRIMARY KEY,
        unit TEXT NOT NULL,
        indicator TEXT NOT NULL,
        period TEXT NOT NULL,
        source TEXT NOT NULL,
        version INTEGER NOT NULL,
        value REAL,
        low REAL,
        high REAL,
        cumulative INTEGER NOT NULL,
        note TEXT NOT NULL,
        entered_by TEXT NOT NULL,
        entered_at TEXT NOT NULL
    )""",
    """INSERT INTO target_history_by_unit (id, unit, indicator, period, source, version, value, low, high,
                                           cumulative, note, entered_by, entered_at)
        SELECT id, (SELECT unit FROM migration_target_owner), indicator, period, source, version, value, low,
               high, cumulative, note, entered_by, entered_at FROM target_history""",
    "DROP TABLE target_history",
    "ALTER TABLE target_history_by_unit RENAME TO target_history",
    "CREATE INDEX target_history_key ON target_history (unit, period, indicator, source, version)",
    "DROP TABLE migration_target_owner",
    "ALTER TABLE target_sources ADD COLUMN levels TEXT NOT NULL DEFAULT '{}'",
    """UPDATE target_sources SET levels = json_object(
        'ward', json_object('name', 'Nghị quyết HĐND phường giao', 'phrase', 'Nghị quyết HĐND phường giao'),
        'commune', json_object('name', 'Nghị quyết HĐND xã giao', 'phrase', 'Nghị quyết HĐND xã giao'),
        'province', json_object('name', 'Nghị quyết HĐND tỉnh giao', 'phrase', 'Nghị quyết HĐND tỉnh giao'))
        WHERE code = 'hdnd' AND name = 'Nghị quyết HĐND thành phố giao'""",
    """UPDATE target_sources SET levels = json_object(
        'ward', json_object('name', 'Nghị quyết Đại hội Đảng bộ phường'),
        'commune', json_object('name', 'Nghị quyết Đại hội Đảng bộ xã'),
        'province', json_object('name', 'Nghị quyết Đại hội Đảng bộ tỉnh'))
        WHERE code = 'daihoi' AND name LIKE 'Nghị quyết Đại hội Đảng bộ thành phố%'""",
    """UPDATE target_sources SET levels = json_object(
        'ward', json_object('name', 'Kế hoạch UBND phường', 'phrase', 'kế hoạch UBND phường'),
        'commune', json_object('name', 'Kế hoạch UBND xã', 'phrase', 'kế hoạch UBND xã'),
        'province', json_object('name', 'Kế hoạch UBND tỉnh', 'phrase', 'kế hoạch UBND tỉnh'))
        WHERE code = 'ubnd' AND name = 'Kế hoạch UBND thành phố'""",
]

# Indicators valid from / until a month (YYYYMM, inclusive; NULL = open), so a period shows
# the catalogue of its time; and the history of every catalogue change (who, when, the row
# before and after as JSON, where it came from), which also keeps every code ever used so none is reused.
MIGRATION_CATALOGUE_VALIDITY = [
    "ALTER TABLE indicators ADD COLUMN valid_from INTEGER",
    "ALTER TABLE indicators ADD COLUMN valid_to INTEGER",
    """CREATE TABLE catalogue_history (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('indicator', 'sector', 'source')),
        code TEXT NOT NULL,
        action TEXT NOT NULL,
        before TEXT,
        after TEXT,
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        origin TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX catalogue_history_code ON catalogue_history (kind, code)",
]

# Wording of the drafted report: an indicator's sentence group (related figures of a sector in
# one sentence, as the seeds write them), whether it counts things (01-09 under ten), a
# sector's report heading ({năm}: the period's year), the percent precision setting. Existing
# databases with the bundled catalogue get the groups, counts and the raised maxima of
# decimals (figures print with the decimals they were typed with, up to the maximum).
MIGRATION_REPORT_WORDING = [
    "ALTER TABLE indicators ADD COLUMN sentence TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE indicators ADD COLUMN is_count INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sectors ADD COLUMN heading TEXT NOT NULL DEFAULT ''",
    "UPDATE indicators SET sentence = 'nq01_cong_viec' WHERE code IN ('nq01_cong_viec', 'nq01_hoan_thanh')",
    "UPDATE indicators SET sentence = 'du_lich' WHERE code IN ('tm_khach_du_lich', 'tm_doanh_thu_du_lich')",
    "UPDATE indicators SET sentence = 'vi_pham_thuong_mai' WHERE code IN ('tm_vi_pham', 'tm_xu_phat')",
    "UPDATE indicators SET sentence = 'gieo_trong' WHERE code IN ('nn_dt_lua', 'nn_nang_suat_lua', "
    "'nn_dt_ngo_xuan_he', 'nn_dt_ngo_thu_dong', 'nn_dt_ngo_dong', 'nn_nang_suat_ngo', 'nn_dt_rau_mau', "
    "'nn_dt_hoa', 'nn_dt_mia', 'nn_dt_cay_an_qua', 'nn_dt_mac_ca', 'nn_dt_dong_rieng')",
    "UPDATE indicators SET sentence = 'che' WHERE code IN ('nn_dt_che', 'nn_sl_che')",
    "UPDATE indicators SET sentence = 'chan_nuoi' WHERE code IN ('nn_dan_gia_suc', 'nn_dan_gia_cam', 'nn_sl_thit')",
    "UPDATE indicators SET sentence = 'thuy_san' WHERE code IN ('nn_dt_thuy_san', 'nn_sl_thuy_san')",
    "UPDATE indicators SET sentence = 'nong_thon_moi' WHERE code IN ('nn_ntm_tieu_chi', 'nn_ntm_nc_tieu_chi')",
    "UPDATE indicators SET sentence = 'dang_ky_kinh_doanh' WHERE code IN ('dn_htx_moi', "
    "'dn_doanh_nghiep_moi', 'dn_ho_kinh_doanh')",
    "UPDATE indicators SET sentence = 'cap_phep_xay_dung' WHERE code IN ('dt_giay_phep_xd', 'dt_kiem_tra_sau_cp')",
    "UPDATE indicators SET sentence = 'gcn_luy_ke' WHERE code IN ('td_gcn_da_trao', 'td_gcn_chua_trao')",
    "UPDATE indicators SET sentence = 'boi_thuong' WHERE code IN ('td_qd_thu_hoi', 'td_pa_boi_thuong', "
    "'td_tien_boi_thuong')",
    "UPDATE indicators SET sentence = 'giai_ngan' WHERE code IN ('dtc_khoi_luong', 'dtc_giai_ngan')",
    "UPDATE indicators SET sentence = 'truong_hoc' WHERE code IN ('gd_so_truong', 'gd_hoc_sinh', "
    "'gd_truong_chuan', 'gd_ty_le_truong_chuan', 'gd_ty_le_chuan_md2', 'gd_ty_le_gv_dat_chuan')",
    "UPDATE indicators SET sentence = 'truyen_thong' WHERE code IN ('vh_ct_truyen_hinh', "
    "'vh_tin_truyen_hinh', 'vh_ct_truyen_thanh', 'vh_tin_truyen_thanh')",
    "UPDATE indicators SET sentence = 'kham_benh_attp' WHERE code IN ('yt_kham_benh', 'yt_attp_kiem_tra')",
    "UPDATE indicators SET sentence = 'chi_tra_chinh_sach' WHERE code IN ('as_chi_tra_tong', "
    "'as_ncc_nguoi', 'as_btxh_nguoi')",
    "UPDATE indicators SET sentence = 'dao_tao_nghe' WHERE code IN ('as_lop_dao_tao_nghe', 'as_dao_tao_nghe')",
    "UPDATE indicators SET sentence = 'khen_thuong' WHERE code IN ('nv_khen_tap_the', 'nv_khen_ca_nhan')",
    "UPDATE indicators SET sentence = 'tiep_cong_dan' WHERE code IN ('tcd_luot', 'tcd_nguoi', 'tcd_vu_viec')",
    "UPDATE indicators SET sentence = 'xu_phat_vphc' WHERE code IN ('tp_xu_phat_vphc', 'tp_tien_xu_phat')",
    "UPDATE indicators SET sentence = 'ho_tich' WHERE code IN ('tp_khai_sinh', 'tp_ket_hon', 'tp_khai_tu')",
    "UPDATE indicators SET sentence = 'pho_bien_phap_luat' WHERE code IN ('tp_buoi_pbgdpl', 'tp_nguoi_pbgdpl')",
    "UPDATE indicators SET sentence = 'boi_duong_qpan' WHERE code IN ('qp_lop_qpan', 'qp_hoc_vien_qpan')",
    "UPDATE indicators SET sentence = 'toi_pham' WHERE code IN ('an_hinh_su', 'an_ma_tuy', 'an_kinh_te')",
    "UPDATE indicators SET sentence = 'giao_thong' WHERE code IN ('an_tai_nan_gt', 'an_vi_pham_gt', "
    "'an_tien_phat_gt')",
    "UPDATE indicators SET is_count = 1 WHERE code IN ('nq01_cong_viec', 'nq01_hoan_thanh', "
    "'tm_khach_du_lich', 'tm_vi_pham', 'nn_dan_gia_suc', 'nn_dan_gia_cam', 'nn_vx_dai', 'nn_ocop', "
    "'nn_ntm_tieu_chi', 'nn_ntm_nc_tieu_chi', 'dn_htx_moi', 'dn_doanh_nghiep_moi', 'dn_ho_kinh_doanh', "
    "'dn_giay_phep_dk', 'dt_giay_phep_xd', 'dt_kiem_tra_sau_cp', 'td_gcn_trao', 'td_gcn_da_trao', "
    "'td_gcn_chua_trao', 'td_gcn_chua_trao_2013', 'td_gcn_chua_trao_2020', 'td_gcn_lan_dau', "
    "'td_ho_so_dat_dai', 'td_qd_thu_hoi', 'td_pa_boi_thuong', 'dtc_quyet_toan', 'gd_so_truong', "
    "'gd_hoc_sinh', 'gd_truong_chuan', 'gd_sang_kien', 'vh_ct_truyen_hinh', 'vh_tin_truyen_hinh', "
    "'vh_ct_truyen_thanh', 'vh_tin_truyen_thanh', 'vh_van_nghe', 'yt_kham_benh', 'yt_attp_kiem_tra', "
    "'yt_attp_dat', 'yt_dan_so_tb', 'yt_dan_so_thanh_thi', 'yt_dan_so_nong_thon', 'yt_covid_ca', "
    "'yt_covid_vx_lieu', 'as_ncc_nguoi', 'as_btxh_nguoi', 'as_viec_lam', 'as_lop_dao_tao_nghe', "
    "'as_dao_tao_nghe', 'as_ho_ngheo', 'nv_cu_dao_tao', 'nv_khen_tap_the', 'nv_khen_ca_nhan', "
    "'tt_cuoc_thanh_tra', 'tcd_luot', 'tcd_nguoi', 'tcd_vu_viec', 'don_tiep_nhan', 'don_da_giai_quyet', "
    "'tp_xu_phat_vphc', 'tp_khai_sinh', 'tp_ket_hon', 'tp_khai_tu', 'tp_buoi_pbgdpl', 'tp_nguoi_pbgdpl', "
    "'qp_nhap_ngu', 'qp_lop_qpan', 'qp_hoc_vien_qpan', 'an_hinh_su', 'an_ma_tuy', 'an_kinh_te', "
    "'an_tai_nan_gt', 'an_vi_pham_gt', 'an_cccd_ho_so')",
    "UPDATE indicators SET decimals = 1 WHERE decimals < 1 AND code IN ('kt_thu_nhap_binh_quan')",
    "UPDATE indicators SET decimals = 2 WHERE decimals < 2 AND code IN ('tm_ban_le', "
    "'tm_ban_le_hang_hoa', 'tm_doanh_thu_dich_vu', 'nn_gia_tri_sx', 'nn_luong_thuc', 'nn_dt_lua', "
    "'nn_dt_ngo_xuan_he', 'nn_dt_ngo_thu_dong', 'nn_dt_ngo_dong', 'nn_dt_rau_mau', 'nn_dt_mia', "
    "'nn_dt_cay_an_qua', 'nn_dt_mac_ca', 'nn_dt_dong_rieng', 'nn_sl_thit', 'nn_dt_thuy_san', "
    "'nn_sl_thuy_san', 'nn_dt_rung', 'nn_rung_tu_nhien', 'nn_rung_trong', 'nn_rung_canh_quan', "
    "'nn_che_phu_rung', 'dt_ty_le_do_thi_hoa', 'mt_thu_gom_rac', 'mt_chat_thai_y_te', 'mt_nuoc_sach', "
    "'mt_nuoc_sach_do_thi', 'mt_nuoc_sach_nong_thon', 'gd_ty_le_truong_chuan', 'gd_ty_le_chuan_md2', "
    "'gd_ty_le_gv_dat_chuan', 'vh_gia_dinh_van_hoa', 'vh_ban_van_hoa', 'vh_co_quan_van_hoa', "
    "'vh_tuyen_pho_van_minh', 'vh_phuong_van_minh', 'vh_ty_le_tap_tdtt', 'yt_suy_dinh_duong', 'yt_bhyt', "
    "'yt_so_suc_khoe_dt', 'yt_vx_nguoi_lon', 'as_lao_dong_qua_dao_tao', 'nv_tthc_dung_han', "
    "'nv_van_ban_dien_tu')",
    "UPDATE sectors SET heading = 'Về triển khai thực hiện Nghị quyết 01/NQ-CP năm {năm} của Chính phủ' "
    "WHERE code = 'nq01' AND name = 'Về triển khai thực hiện Nghị quyết 01/NQ-CP của Chính phủ'",
    "INSERT OR IGNORE INTO settings (key, value) VALUES ('percent_decimals', '1')",
]

# Two-tier local government (from 01/07/2025): districts (huyện) and townships (thị trấn) as
# kinds of unit, so the old districts and their communes can be the predecessors of the new
# units; a predecessor says whether it came in whole or in part; each unit's document profile
# (issuing body, place, number, signer, recipients) as defaults by kind and date plus what an
# office changed, per unit and dates, with history. The units table is rebuilt for its wider
# kind check (the store turns foreign keys off for migrations and checks them before commit).
# The last step brings an existing database's organisation and document defaults up to the
# bundled ones and moves the old global document settings into the reporting unit's profile.
# The bundled catalogue's MTQG heading says "trên địa bàn {cấp}" (the reporting unit's kind).
# figure_cache keeps the period-level results of units that add up others (the province
# sums 38 units and, for 2025, the 106 before them); any change to a figure of a year drops
# that year's rows.
MIGRATION_TWO_TIER = [
    """CREATE TABLE units_new (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('province', 'city', 'district', 'ward', 'commune', 'township',
                                           'department')),
        parent TEXT REFERENCES units(code),
        valid_from TEXT,
        valid_to TEXT,
        reports_for TEXT REFERENCES units(code),
        sectors TEXT NOT NULL DEFAULT '[]',
        predecessors TEXT NOT NULL DEFAULT '[]',
        position INTEGER NOT NULL
    )""",
    """INSERT INTO units_new (code, name, kind, parent, valid_from, valid_to, reports_for, sectors,
                              predecessors, position)
       SELECT code, name, kind, parent, valid_from, valid_to, reports_for, sectors,
              (SELECT json_group_array(json_object('unit', p.value, 'share', 'whole'))
                 FROM json_each(units.predecessors) AS p),
              position FROM units""",
    "DROP TABLE units",
    "ALTER TABLE units_new RENAME TO units",
    # Defaults: a row per kind rule ([[default]] of documents.toml: unit '') or per unit ([[unit]]).
    """CREATE TABLE document_defaults (
        position INTEGER PRIMARY KEY,
        unit TEXT NOT NULL DEFAULT '',
        kinds TEXT NOT NULL DEFAULT '[]',
        valid_from TEXT NOT NULL DEFAULT '',
        valid_to TEXT NOT NULL DEFAULT '',
        fields TEXT NOT NULL
    )""",
    # What an office set for a unit, for reports dated valid_from..valid_to ('' = open).
    """CREATE TABLE document_profiles (
        unit TEXT NOT NULL REFERENCES units(code),
        valid_from TEXT NOT NULL,
        valid_to TEXT NOT NULL,
        fields TEXT NOT NULL,
        edited_by TEXT NOT NULL,
        edited_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (unit, valid_from)
    )""",
    """CREATE TABLE document_profile_history (
        id INTEGER PRIMARY KEY,
        unit TEXT NOT NULL,
        valid_from TEXT NOT NULL,
        valid_to TEXT NOT NULL,
        version INTEGER NOT NULL,
        fields TEXT NOT NULL,
        edited_by TEXT NOT NULL,
        edited_at TEXT NOT NULL
    )""",
    """CREATE TABLE figure_cache (
        unit TEXT NOT NULL,
        year INTEGER NOT NULL,
        model TEXT NOT NULL,
        entries TEXT NOT NULL,
        PRIMARY KEY (unit, year)
    ) WITHOUT ROWID""",
    """CREATE TRIGGER figure_cache_insert AFTER INSERT ON figures BEGIN
        DELETE FROM figure_cache WHERE year = NEW.month / 100;
    END""",
    """CREATE TRIGGER figure_cache_update AFTER UPDATE ON figures BEGIN
        DELETE FROM figure_cache WHERE year IN (NEW.month / 100, OLD.month / 100);
    END""",
    """CREATE TRIGGER figure_cache_delete AFTER DELETE ON figures BEGIN
        DELETE FROM figure_cache WHERE year = OLD.month / 100;
    END""",
    # the bundled catalogue's "trên địa bàn thành phố" heading names the reporting unit's kind
    """UPDATE sectors SET heading = 'Triển khai thực hiện các Chương trình MTQG trên địa bàn {cấp}'
        WHERE code = 'mtqg' AND heading = ''
          AND name = 'Triển khai thực hiện các Chương trình MTQG trên địa bàn thành phố'""",
]


def _two_tier_data(conn) -> None:
    """Python step of MIGRATION_TWO_TIER (imported late: the core imports the store)."""
    from .documents import upgrade_database

    upgrade_database(conn)


MIGRATION_TWO_TIER.append(_two_tier_data)


# figure_cache by month: a row holds the results of the periods of one unit ending in one month
# (and the unit's year-to-date at that month's end), so a figure of month M drops only the rows of
# its year from M on. A month's import then leaves the months before it kept, and the next
# computation starts from their year-to-date instead of reading the year again. Keyed by
# (year, month, unit) so the triggers' deletes are index ranges (an import fires them per figure).
MIGRATION_FIGURE_CACHE_BY_MONTH = [
    "DROP TRIGGER figure_cache_insert",
    "DROP TRIGGER figure_cache_update",
    "DROP TRIGGER figure_cache_delete",
    "DROP TABLE figure_cache",
    """CREATE TABLE figure_cache (
        year INTEGER NOT NULL,
        month INTEGER NOT NULL,
        unit TEXT NOT NULL,
        model TEXT NOT NULL,
        entries TEXT NOT NULL,
        PRIMARY KEY (year, month, unit)
    ) WITHOUT ROWID""",
    """CREATE TRIGGER figure_cache_insert AFTER INSERT ON figures BEGIN
        DELETE FROM figure_cache WHERE year = NEW.month / 100 AND month >= NEW.month % 100;
    END""",
    """CREATE TRIGGER figure_cache_update AFTER UPDATE ON figures BEGIN
        DELETE FROM figure_cache WHERE year = NEW.month / 100 AND month >= NEW.month % 100;
        DELETE FROM figure_cache WHERE year = OLD.month / 100 AND month >= OLD.month % 100;
    END""",
    """CREATE TRIGGER figure_cache_delete AFTER DELETE ON figures BEGIN
        DELETE FROM figure_cache WHERE year = OLD.month / 100 AND month >= OLD.month % 100;
    END""",
]

# (number, name, statements), in order. The number is the position in this list.
MIGRATIONS = [
    (1, "initial schema", MIGRATION_1),
    (2, "figure checks: rules, explanations, completed periods", MIGRATION_CHECKS),
    (3, "narrative drafts", MIGRATION_NARRATIVE_DRAFTS),
    (4, "handover: manifest, locks, senders, exchange marks", MIGRATION_HANDOVER),
    (5, "signed packages: sender keys", MIGRATION_SIGNATURES),
    (6, "targets per unit, known terms, source names per level", MIGRATION_TARGET_UNITS),
    (7, "catalogue: validity by month, history of changes", MIGRATION_CATALOGUE_VALIDITY),
    (8, "report wording: sentence groups, counts, headings, decimals", MIGRATION_REPORT_WORDING),
    (9, "two-tier local government: districts and townships, predecessors' shares, document profiles",
     MIGRATION_TWO_TIER),
    (10, "figure_cache by month: a figure drops only its year's results from its month on",
     MIGRATION_FIGURE_CACHE_BY_MONTH),
]

SCHEMA_VERSION = len(MIGRATIONS)


def migration_number(name: str) -> int:
    """The number of the migration whose name starts with `name`: code and tests find a migration by
    its name, never by a number that changes when branches are merged."""
    return next(number for number, full, _statements in MIGRATIONS if full.startswith(name))
