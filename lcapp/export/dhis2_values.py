"""A DHIS2 dataValueSets file of the stored figures: one value per unit, month and indicator.

DHIS2 adds monthly values up itself, so only month values go out: what was entered for the
month, or the month derived from year-to-date entries as the core derives it (`FigureData`:
this year-to-date minus last month's). A month whose value cannot be derived (the month
before is missing, or only a term-to-date was entered) is left out and named in
`ValuesExport.left_out`. Data elements and org units are named by the uids of
`dhis2_metadata`; no category option combo and no attribute option combo are written, so
DHIS2 applies its defaults; periods are ISO months (202405). Each value carries the figure's
comment, `storedBy` (who entered it) and `followup` = true when a finding on it was
explained (`lcapp acknowledge`). Derived indicators are DHIS2 indicators, never values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..models.catalogue import catalogue
from ..models.dhis2_ids import dhis2_uid
from ..models.figure_data import FigureData
from ..models.file_formats import machine_number
from ..models.locks import month_label
from ..models.organisation import organisation
from ..models.periods import month_key, split_month_key
from ..models.store import Store

DERIVED_DECIMALS = 9  # a month derived by subtraction drops float noise (0.30000000000000004)


@dataclass
class ValuesExport:
    values: list[dict] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # one Vietnamese line per month not written

    def text(self) -> str:
        """The file: one value per line (json's C encoder; indent= would take the slow Python one)."""
        lines = ",\n".join(json.dumps(value, ensure_ascii=False) for value in self.values)
        return '{"dataValues": [\n' + lines + "\n]}\n" if self.values else '{"dataValues": []}\n'


def _followups(store: Store) -> set[tuple[str, str, str]]:
    return {(r["unit"], r["period"], r["indicator"])
            for r in store.query("SELECT unit, period, indicator FROM check_explanations")}


def _where(org, row: dict, ind) -> str:
    return f"{org.units[row['unit']].name}, {month_label(row['month'])}, “{ind.name}”"


def data_values(store: Store, *, units: set[str] | None = None, months: set[int] | None = None) -> ValuesExport:
    """The month values of every stored figure (or of the given units and months), in a stable order."""
    cat, org = catalogue(store), organisation(store)
    where, params = [], []
    for column, chosen in (("unit", units), ("month", months)):
        if chosen is not None:
            where.append(f"{column} IN ({', '.join('?' for _ in chosen)})")
            params.extend(sorted(chosen))
    rows = store.query(f"""SELECT unit, month, indicator, month_value, ytd_value, term_value, comment, entered_by
                           FROM figures {'WHERE ' + ' AND '.join(where) if where else ''}
                           ORDER BY unit, month, indicator""", params)
    data = FigureData(store, cat, org, sorted({r["unit"] for r in rows}))
    for year in sorted({split_month_key(r["month"])[0] for r in rows}):
        data.load_until(month_key(year, 12))
    followups = _followups(store)
    result = ValuesExport()
    for row in rows:
        if all(row[c] is None for c in ("month_value", "ytd_value", "term_value")):
            continue  # a cleared figure
        ind = cat.indicators[row["indicator"]]
        if ind.derived:
            result.left_out.append(f"{_where(org, row, ind)}: chỉ tiêu tính theo công thức, DHIS2 tự tính (indicator).")
            continue
        value = data.month_value(row["unit"], ind, row["month"], children=False)
        if value is None:
            reason = ("chỉ có lũy kế giai đoạn" if row["month_value"] is None and row["ytd_value"] is None
                      else "thiếu lũy kế tháng trước")
            result.left_out.append(f"{_where(org, row, ind)}: không tính được số của riêng tháng ({reason}).")
            continue
        item = {"dataElement": dhis2_uid("dataElement", ind.code), "period": str(row["month"]),
                "orgUnit": dhis2_uid("organisationUnit", row["unit"]),
                "value": machine_number(round(value, DERIVED_DECIMALS)), "storedBy": row["entered_by"]}
        if row["comment"]:
            item["comment"] = row["comment"]
        item["followup"] = (row["unit"], str(row["month"]), ind.code) in followups
        result.values.append(item)
    return result
