"""Derivations over stored figures: month values, year-to-date, levels, term-to-date.

What was entered is kept as entered (a month's value, a year-to-date or a term-to-date);
everything else is derived here, and only from what is there: a year-to-date with a
missing month in between is unknown (None), never a partial sum.

- flow: month = entered month, or ytd - previous ytd; ytd = entered ytd, or previous
  ytd + month (January: the month);
- stock and rate: the level of the month; year-to-date = the latest level of the year;
- derived indicators: their formula over the same quantity of their components;
- a unit without its own figure takes the sum of its child units (summable indicators,
  every child unit valid in that month must have the figure);
- a unit formed from others (01/07/2025) takes, for the months before it existed, the sum
  of its predecessors' figures: only when every predecessor came in whole and has the
  figure (one whole predecessor: its figure, whatever the kind), never a partial sum.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

from .catalogue import Catalogue, Indicator
from .errors import DatabaseError
from .organisation import Organisation
from .periods import Period, add_months, month_key, period_of_month_key, split_month_key
from .store import Store

# Bump when a derivation below changes what it computes: results kept in figure_cache under
# an older version are then ignored.
DERIVATION_VERSION = 1

_MISSING = object()  # not computed yet (None is a result: no figure)


class FigureData:
    """Stored figures of some units, loaded a year at a time, with the derivations above.

    The period-level results of units that add up others (children or predecessors) are kept
    in the database (`figure_cache`, one row per unit and month: the results of the periods
    ending in that month and the unit's year-to-date at its end) by `remember()` and read back
    by the next computation, so the province's progress need not read every unit's figures
    again: triggers on `figures` drop the rows of a figure's year from its month on, and a
    row made under another catalogue or organisation (`model`) is ignored. After a month's
    figures arrive, the months before it are still kept: a year-to-date then starts from the
    kept one of the month before (the same additions, in the same order, as computing the year
    afresh), and only the new month's figures are read.

    Figures are read a month at a time for every unit, when a derivation first needs that month.
    """

    def __init__(self, store: Store, cat: Catalogue, org: Organisation, units: list[str]):
        self.store, self.cat, self.org = store, cat, org
        self.units = list(dict.fromkeys(units))
        self.unit_set = set(self.units)
        self.rows: dict[tuple, tuple] = {}
        self.loaded_until: dict[tuple[str, int], int] = {}  # (unit, year) -> last month loaded
        self._all_loaded: dict[int, int] = {}  # year -> last month loaded for every unit
        self._children_cache: dict[tuple[str, int], list[str]] = {}
        self._status_units: dict[tuple, list[str]] = {}
        self._memo: dict[tuple, float | None] = {}
        # unit -> (first month it existed, its predecessors), for units formed from others
        self.formed: dict[str, tuple[int, tuple]] = {
            u.code: (month_key(u.valid_from.year, u.valid_from.month), u.predecessors)
            for u in org.units.values() if u.predecessors and u.valid_from}
        # units whose results are kept: those adding up others, when every unit they read is here
        # (a FigureData of one unit's own figures, as the checks make, keeps nothing)
        self.consolidated = {code for code in self.unit_set & ({u.parent for u in org.units.values() if u.parent}
                                                                | set(self.formed))
                             if self.unit_set.issuperset(org.related(code))}
        self._months_loaded: set[int] = set()  # months whose figures are loaded for every unit
        self._unit_months_loaded: set[tuple[str, int]] = set()  # (unit, month) loaded for that unit alone
        self._kept: dict[tuple[str, int, int], dict] = {}  # (unit, year, month) -> kept results
        self._fresh: set[tuple[str, int, int]] = set()
        self._data_version = store.conn.execute("PRAGMA data_version").fetchone()[0]

    # -- loading ------------------------------------------------------------------
    def load_until(self, key: int, units: list[str] | None = None) -> None:
        """Make sure the figures of the year of `key`, from January up to `key`, are loaded
        (for `units`, by default all of them).

        Every derivation looks back only within its own year, so this is all a period needs;
        loading no more than that keeps a city's progress (8 units) fast.
        """
        year, month = split_month_key(key)
        if units is None:
            if self._all_loaded.get(year, 0) >= month:
                return
            self._all_loaded[year] = month
        wanted = [u for u in (self.units if units is None else units) if self.loaded_until.get((u, year), 0) < month]
        if not wanted:
            return
        first = min(self.loaded_until.get((u, year), 0) for u in wanted) + 1
        placeholders = ", ".join("?" for _ in wanted)
        sql = (f"SELECT unit, indicator, month, month_value, ytd_value, term_value, status, comment "
               f"FROM figures WHERE unit IN ({placeholders}) AND month BETWEEN ? AND ?")
        cursor = self.store.conn.cursor()
        cursor.row_factory = None  # plain tuples: several times cheaper than sqlite3.Row here
        cursor.execute(sql, (*wanted, month_key(year, first), key))
        # Keyed by (unit, indicator, month): the row's first three columns. A cleared figure
        # (all values NULL) reads like a missing one.
        self.rows.update({row[:3]: row for row in cursor})
        for unit in wanted:
            self.loaded_until[(unit, year)] = month

    def _loaded(self, unit: str, key: int) -> bool:
        return (key in self._months_loaded or (unit, key) in self._unit_months_loaded or unit not in self.unit_set
                or self.loaded_until.get((unit, key // 100), 0) >= key % 100)

    def _ensure(self, unit: str, key: int) -> None:
        """Make sure `unit`'s figures of month `key` are loaded (a unit outside `units` has none):
        that month's figures of every unit, which the sums over units read next."""
        if not self._loaded(unit, key):
            self._months_loaded.add(key)
            self._read(key, self.units)

    def _ensure_own(self, unit: str, key: int) -> None:
        """Like `_ensure`, for what is read of one unit only (its comments): that unit's figures."""
        if not self._loaded(unit, key):
            self._unit_months_loaded.add((unit, key))
            self._read(key, [unit])

    def _read(self, key: int, units: list[str]) -> None:
        placeholders = ", ".join("?" for _ in units)
        cursor = self.store.conn.cursor()
        cursor.row_factory = None
        cursor.execute(f"SELECT unit, indicator, month, month_value, ytd_value, term_value, status, comment "
                       f"FROM figures WHERE unit IN ({placeholders}) AND month = ?", (*units, key))
        self.rows.update({row[:3]: row for row in cursor})

    # -- results kept between computations (figure_cache) ----------------------------------
    def _kept_results(self, unit: str, year: int, month: int) -> dict:
        """What was kept for `unit` of the periods ending in `month` of `year` (they depend only on
        the figures of that year up to that month)."""
        found = self._kept.get((unit, year, month))
        if found is None:
            row = self.store.conn.execute("SELECT model, entries FROM figure_cache "
                                          "WHERE year = ? AND month = ? AND unit = ?", (year, month, unit)).fetchone()
            found = json.loads(row[1]) if row is not None and row[0] == figure_model(self.store) else {}
            self._kept[(unit, year, month)] = found
        return found

    def _kept_or(self, unit: str, period: Period, key: str, compute):
        """`compute()`, or what an earlier computation kept for a unit that adds up others."""
        if unit not in self.consolidated:
            return compute()
        kept = self._kept.get((unit, period.year, period.last))
        if kept is None:
            kept = self._kept_results(unit, period.year, period.last)
        found = kept.get(key, _MISSING)
        if found is not _MISSING:
            return found
        value = kept[key] = compute()
        self._fresh.add((unit, period.year, period.last))
        return value

    def remember(self) -> None:
        """Hand the results computed for units that add up others to the store, to be kept by
        `keep_figure_results()` once the work asked of it has succeeded (a refused command
        writes nothing), when the store keeps them (`Store.keeps_figure_cache`)."""
        if self._fresh and self.store.keeps_figure_cache:
            rows = [(unit, year, month, json.dumps(self._kept[(unit, year, month)]))
                    for unit, year, month in sorted(self._fresh)]
            self.store.__dict__.setdefault("pending_figure_results", []).append((self._data_version, rows))
            self._fresh = set()

    def children(self, unit: str, key: int) -> list[str]:
        cache_key = (unit, key)
        if cache_key not in self._children_cache:
            period = period_of_month_key(key)
            self._children_cache[cache_key] = [u.code for u in self.org.children(unit, period)]
        return self._children_cache[cache_key]

    # -- month-level quantities ----------------------------------------------------------
    def _entered(self, unit: str, indicator: str, key: int, column: int) -> float | None:
        row = self._row(unit, indicator, key)
        return None if row is None else row[3 + column]

    def _row(self, unit: str, indicator: str, key: int) -> tuple | None:
        """The stored figure (its month, year-to-date and term values at 3, 4, 5), if any."""
        if key not in self._months_loaded:  # (_ensure's first test, here: this runs for every figure)
            self._ensure(unit, key)
        return self.rows.get((unit, indicator, key))

    def _children_sum(self, unit: str, ind: Indicator, key: int, fn) -> float | None:
        if not ind.summable:
            return None
        children = self.children(unit, key)
        if not children:
            return None
        memo = ("c", fn.__name__, unit, ind.code, key)  # children_total asks for the same sums
        found = self._memo.get(memo, _MISSING)
        if found is not _MISSING:
            return found
        values = [fn(child, ind, key, True) for child in children]
        result = self._memo[memo] = None if any(v is None for v in values) else sum(values)
        return result

    def predecessors_before(self, unit: str, key: int) -> tuple | None:
        """The predecessors of `unit` when month `key` is before it existed, else None."""
        formed = self.formed.get(unit)
        return formed[1] if formed is not None and key < formed[0] else None

    def _predecessors_value(self, predecessors: tuple, ind: Indicator, key: int, fn) -> float | None:
        if not all(p.whole for p in predecessors):
            return None
        if len(predecessors) == 1:
            return fn(predecessors[0].unit, ind, key, True)
        if not ind.summable:
            return None
        values = [fn(p.unit, ind, key, True) for p in predecessors]
        return None if any(v is None for v in values) else sum(values)

    def month_value(self, unit: str, ind: Indicator, key: int, children: bool = True) -> float | None:
        """The month's own value of a flow (or the level of a stock or rate)."""
        memo = ("m", unit, ind.code, key, children)
        found = self._memo.get(memo, _MISSING)
        if found is not _MISSING:
            return found
        if ind.derived:
            result = self._formula(ind, lambda c: self.month_value(unit, c, key, children))
        elif (formed := self.formed.get(unit)) is not None and key < formed[0]:  # (predecessors_before)
            predecessors = formed[1]
            result = self._predecessors_value(predecessors, ind, key, self.month_value)
        elif ind.kind != "flow":
            result = self._entered(unit, ind.code, key, 0)
            if result is None and children:
                result = self._children_sum(unit, ind, key, self.month_value)
        else:
            row = self._row(unit, ind.code, key)
            result = None if row is None else row[3]
            if result is None and row is not None:
                ytd = row[4]
                if ytd is not None:
                    if key % 100 == 1:
                        result = ytd
                    else:
                        previous = self.ytd(unit, ind, key - 1, children)  # the month before, same year
                        result = None if previous is None else ytd - previous
            if result is None and children:
                result = self._children_sum(unit, ind, key, self.month_value)
        self._memo[memo] = result
        return result

    def ytd(self, unit: str, ind: Indicator, key: int, children: bool = True) -> float | None:
        """Year-to-date at the end of month `key`: a sum for flows, the latest level otherwise
        (kept for a unit that adds up others: the next month's starts from it)."""
        memo = ("y", unit, ind.code, key, children)
        found = self._memo.get(memo, _MISSING)
        if found is not _MISSING:
            return found
        if unit not in self.consolidated:
            result = self._memo[memo] = self._ytd(unit, ind, key, children)
            return result
        year, month = divmod(key, 100)  # split_month_key, inline: called for every unit and indicator
        kept = self._kept.get((unit, year, month))
        if kept is None:
            kept = self._kept_results(unit, year, month)
        name = ("Y1|" if children else "Y0|") + ind.code
        found = kept.get(name, _MISSING)
        if found is not _MISSING:
            self._memo[memo] = found
            return found
        result = self._memo[memo] = kept[name] = self._ytd(unit, ind, key, children)
        self._fresh.add((unit, year, month))
        return result

    def _ytd(self, unit: str, ind: Indicator, key: int, children: bool) -> float | None:
        if ind.derived:
            result = self._formula(ind, lambda c: self.ytd(unit, c, key, children))
        elif (formed := self.formed.get(unit)) is not None and key < formed[0]:  # (predecessors_before)
            predecessors = formed[1]
            result = self._predecessors_value(predecessors, ind, key, self.ytd)
        elif ind.kind != "flow":
            # the latest level of the year (latest_level from January), month by month back through
            # the year-to-date of the month before, which may be kept
            result = self.month_value(unit, ind, key, children)
            if result is None and split_month_key(key)[1] > 1:
                result = self.ytd(unit, ind, add_months(key, -1), children)
        else:
            row = self._row(unit, ind.code, key)
            result = None if row is None else row[4]
            if result is None and row is not None:
                own_month = row[3]
                if own_month is not None:
                    if key % 100 == 1:
                        result = own_month
                    else:
                        previous = self.ytd(unit, ind, key - 1, children)  # the month before, same year
                        result = None if previous is None else previous + own_month
            if result is None and children:
                result = self._children_sum(unit, ind, key, self.ytd)
        return result

    def latest_level(self, unit: str, ind: Indicator, first: int, last: int, children: bool = True) -> float | None:
        key = last
        while key >= first:
            value = self.month_value(unit, ind, key, children)
            if value is not None:
                return value
            key = add_months(key, -1)
        return None

    def _formula(self, ind: Indicator, value_of) -> float | None:
        formula = self.cat.formulas[ind.code]
        return formula.evaluate({name: value_of(self.cat.indicators[name]) for name in formula.names})

    # -- period-level quantities -------------------------------------------------------
    def period_value(self, unit: str, ind: Indicator, period: Period, children: bool = True) -> float | None:
        """The period's own figure: flows summed over its months, stocks and rates the last level."""
        return self._kept_or(unit, period, f"v{int(children)}|{ind.code}|{period.code}",
                             lambda: self._period_value(unit, ind, period, children))

    def _period_value(self, unit: str, ind: Indicator, period: Period, children: bool) -> float | None:
        if ind.derived:
            return self._formula(ind, lambda c: self.period_value(unit, c, period, children))
        if ind.kind != "flow":
            return self.latest_level(unit, ind, period.start_key, period.end_key, children)
        if period.is_month:
            return self.month_value(unit, ind, period.start_key, children)
        end = self.ytd(unit, ind, period.end_key, children)
        if period.first == 1:
            return end
        before = self.ytd(unit, ind, add_months(period.start_key, -1), children)
        if end is not None and before is not None:
            return end - before
        months = [self.month_value(unit, ind, key, children) for key in period.months]
        return None if any(v is None for v in months) else sum(months)

    def period_ytd(self, unit: str, ind: Indicator, period: Period, children: bool = True) -> float | None:
        return self._kept_or(unit, period, f"y{int(children)}|{ind.code}|{period.code}",
                             lambda: self.ytd(unit, ind, period.end_key, children))

    def children_total(self, unit: str, children: list[str], ind: Indicator, period: Period,
                       ytd: bool = False) -> float | None:
        """The sum over `children` (the unit's child units in the period) of their figure of the
        period or their year-to-date; None when one of them has none."""
        def total():
            if ind.summable and not ind.derived and (ytd or period.is_month) \
                    and children == self.children(unit, period.end_key):
                # the same sum as the unit's own month value or year-to-date adds up when it has
                # no figure of its own (then already computed)
                return self._children_sum(unit, ind, period.end_key, self.ytd if ytd else self.month_value)
            # the children's own figures straight from the derivations (what period_value and
            # period_ytd would compute), not each kept apart: the sum is kept, and keeping 38
            # units' figures of every indicator cost more than computing them again
            if ytd:
                values = [self.ytd(child, ind, period.end_key) for child in children]
            else:
                values = [self._period_value(child, ind, period, True) for child in children]
            return None if any(v is None for v in values) else sum(values)
        return self._kept_or(unit, period, f"c{int(ytd)}|{ind.code}|{period.code}", total)

    def term_to_date(self, unit: str, ind: Indicator, first_year: int, period: Period) -> float | None:
        """Cumulative from the term's first year to the period's end (flows)."""
        if ind.derived:
            return self._formula(ind, lambda c: self.term_to_date(unit, c, first_year, period))
        entered = self._entered(unit, ind.code, period.end_key, 2)
        if entered is not None:
            return entered
        if ind.kind != "flow" or first_year > period.year:
            return None
        total = 0.0
        for year in range(first_year, period.year):
            value = self.period_ytd(unit, ind, Period(year, 1, 12, "year"))
            if value is None:
                return None
            total += value
        current = self.period_ytd(unit, ind, period)
        return None if current is None else total + current

    def status(self, unit: str, indicator: str, period: Period, with_children: bool) -> str | None:
        """"estimate" when one of the figures counted is an estimate, else "official" (None: no
        figure): the unit's own figures, and with `with_children` its child units' too."""
        def compute():
            units = self._status_units.get((unit, period, with_children))
            if units is None:
                children = [u.code for u in self.org.children(unit, period)] if with_children else []
                units = self._status_units[(unit, period, with_children)] = [unit] + children
            return self.period_status(units, indicator, period)
        return self._kept_or(unit, period, f"s{int(with_children)}|{indicator}|{period.code}", compute)

    def period_status(self, units: list[str], indicator: str, period: Period) -> str | None:
        months = period.months
        for key in months:
            if key not in self._months_loaded:
                for unit in units:
                    self._ensure(unit, key)
        rows = self.rows
        statuses = {row[6] for unit in units for key in months
                    if (row := rows.get((unit, indicator, key))) is not None
                    and (row[3] is not None or row[4] is not None or row[5] is not None)}
        if not statuses:
            return None
        return "estimate" if "estimate" in statuses else "official"

    def period_comments(self, unit: str, indicator: str, period: Period) -> list[str]:
        for key in period.months:
            self._ensure_own(unit, key)
        return [row[7] for key in period.months
                if (row := self.rows.get((unit, indicator, key))) is not None and row[7]]


def keep_figure_results(store: Store, *, succeeded: bool = True) -> None:
    """Write the results handed over by `FigureData.remember()` into figure_cache, each only if
    no other connection wrote since it was computed (it could be stale); after work that
    failed (`succeeded=False`), drop them."""
    pending = store.__dict__.pop("pending_figure_results", [])
    if not pending or not succeeded:
        return
    hook, store.before_first_write = getattr(store, "before_first_write", None), None  # no backup for a cache
    try:
        model = figure_model(store)
        with store.write() as conn:
            current = conn.execute("PRAGMA data_version").fetchone()[0]
            for version, rows in pending:
                if version == current:
                    conn.executemany("INSERT OR REPLACE INTO figure_cache (year, month, unit, model, entries) "
                                     "VALUES (?, ?, ?, ?, ?)",
                                     [(year, month, unit, model, entries) for unit, year, month, entries in rows])
    except (DatabaseError, sqlite3.Error):
        return  # a cache: a busy or read-only file only means computing again next time
    finally:
        store.before_first_write = hook


def figure_model(store: Store) -> str:
    """A fingerprint of what derived figures depend on besides the figures: the catalogue, the
    organisation and the rules in this module (DERIVATION_VERSION)."""
    def build() -> str:
        digest = hashlib.sha256(str(DERIVATION_VERSION).encode())
        for table in ("indicators", "units"):
            for row in store.conn.execute(f"SELECT * FROM {table} ORDER BY code"):
                digest.update(repr(tuple(row)).encode())
        return digest.hexdigest()[:16]
    return store.cached("figure_model", build)
