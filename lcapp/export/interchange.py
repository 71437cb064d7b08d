"""Data interchange in LCApp's own formats, out: CSV and LCApp JSON (dataValueSets-shaped).

Both carry machine numbers (dot decimal, no grouping: 1931.5), periods as DHIS2 ISO month
codes (202405), org units and data elements by code. CSV columns are
`indicator,unit,period,value[,comment[,basis[,status]]]`; every CSV field is quoted and a
text starting with = + - @, a tab, CR or LF gets a leading quote (OWASP, CSV Injection:
`models/file_formats`), which the import takes off again. In LCApp JSON the basis
(month / ytd / term: what the value is) travels as `categoryOptionCombo` and the status
(estimate / official) as `attributeOptionCombo`: codes no DHIS2 server has, so this JSON is
for LCApp only (`dhis2_values` writes what DHIS2 imports). Reading these files back is
`lcapp/intake/interchange.py`; the layout both sides share is `models/file_formats.py`.
"""

from __future__ import annotations

import csv
import io
import json

from ..models.figures import BASIS_COLUMNS
from ..models.file_formats import CSV_HEADER, LCAPP_JSON_FIELDS, csv_field_out, machine_number
from ..models.store import Store


def figure_records(store: Store) -> list[dict]:
    """Every stored value as one record per (figure, basis), in a stable order."""
    records = []
    rows = store.query("""SELECT unit, month, indicator, month_value, ytd_value, term_value, status, comment,
                                 entered_by, entered_at FROM figures ORDER BY unit, month, indicator""")
    for row in rows:
        for basis, column in BASIS_COLUMNS.items():
            if row[column] is None:
                continue
            records.append({"indicator": row["indicator"], "unit": row["unit"], "period": str(row["month"]),
                            "value": machine_number(row[column]), "comment": row["comment"], "basis": basis,
                            "status": row["status"], "entered_by": row["entered_by"],
                            "entered_at": row["entered_at"]})
    return records


def csv_writer(handle):
    """A CSV writer that quotes every field (with `csv_row()`, nothing in the file can run as a formula)."""
    return csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)


def csv_row(record: dict) -> list[str]:
    """One line's fields in CSV_HEADER order, each text neutralised; the value is a machine number."""
    return [record[c] if c == "value" else csv_field_out("" if record[c] is None else str(record[c]))
            for c in CSV_HEADER]


def export_csv(store: Store) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(CSV_HEADER)
    for record in figure_records(store):
        writer.writerow(csv_row(record))
    return out.getvalue()


def export_lcapp_json(store: Store) -> str:
    values = [{**{key: r[field] for key, field in LCAPP_JSON_FIELDS.items()},
               "storedBy": r["entered_by"], "lastUpdated": r["entered_at"], "followup": False}
              for r in figure_records(store)]
    return json.dumps({"dataValues": values}, ensure_ascii=False, indent=1) + "\n"
