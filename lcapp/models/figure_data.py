"""Derivations over stored figures: month values, year-to-date, levels, term-to-date.

What was entered is kept as entered (a month's value, a year-to-date or a term-to-date);
everything else is derived here, and only from what is there: a year-to-date with a
missing month in between is unknown (None), never a partial sum.

- flow: month = entered month, or ytd - previous ytd; ytd = entered ytd, or previous
  ytd + month (January: the month);
- stock and rate: the level of the month; year-to-date = the latest level of the year;
- derived indicators: their formula over the same quantity of their components;
- a unit without its own figure takes the sum of its child units (summable indicators,
  every child unit valid in that month must have the figure).
"""

from __future__ import annotations


from .catalogue import Catalogue, Indicator
from .organisation import Organisation
from .periods import Period, add_months, month_key, period_of_month_key, split_month_key
from .store import Store


class FigureData:
    """Stored figures of some units, loaded a year at a time, with the derivations above."""

    def __init__(self, store: Store, cat: Catalogue, org: Organisation, units: list[str]):
        self.store, self.cat, self.org = store, cat, org
        self.units = list(dict.fromkeys(units))
        self.rows: dict[tuple, tuple] = {}
        self.loaded_until: dict[int, int] = {}  # year -> last month loaded
        self._children_cache: dict[tuple[str, int], list[str]] = {}
        self._memo: dict[tuple, float | None] = {}

    # -- loading ------------------------------------------------------------------
    def load_until(self, key: int) -> None:
        """Make sure the figures of the year of `key`, from January up to `key`, are loaded.

        Every derivation looks back only within its own year, so this is all a period needs;
        loading no more than that keeps a city's progress (8 units) fast.
        """
        year, month = split_month_key(key)
        loaded = self.loaded_until.get(year, 0)
        if loaded >= month:
            return
        placeholders = ", ".join("?" for _ in self.units)
        sql = (f"SELECT unit, indicator, month, month_value, ytd_value, term_value, status, comment "
               f"FROM figures WHERE unit IN ({placeholders}) AND month BETWEEN ? AND ?")
        cursor = self.store.conn.cursor()
        cursor.row_factory = None  # plain tuples: several times cheaper than sqlite3.Row here
        cursor.execute(sql, (*self.units, month_key(year, loaded + 1), key))
        # Keyed by (unit, indicator, month): the row's first three columns. A cleared figure
        # (all values NULL) reads like a missing one.
        self.rows.update({row[:3]: row for row in cursor})
        self.loaded_until[year] = month
        self._memo.clear()

    def children(self, unit: str, key: int) -> list[str]:
        cache_key = (unit, key)
        if cache_key not in self._children_cache:
            period = period_of_month_key(key)
            self._children_cache[cache_key] = [u.code for u in self.org.children(unit, period)]
        return self._children_cache[cache_key]

    # -- month-level quantities ----------------------------------------------------------
    def _entered(self, unit: str, indicator: str, key: int, column: int) -> float | None:
        row = self.rows.get((unit, indicator, key))
        return None if row is None else row[3 + column]

    def _children_sum(self, unit: str, ind: Indicator, key: int, fn) -> float | None:
        if not ind.summable:
            return None
        children = self.children(unit, key)
        if not children:
            return None
        values = [fn(child, ind, key, True) for child in children]
        if any(v is None for v in values):
            return None
        return sum(values)

    def month_value(self, unit: str, ind: Indicator, key: int, children: bool = True) -> float | None:
        """The month's own value of a flow (or the level of a stock or rate)."""
        memo = ("m", unit, ind.code, key, children)
        if memo in self._memo:
            return self._memo[memo]
        if ind.derived:
            result = self._formula(ind, lambda c: self.month_value(unit, c, key, children))
        elif ind.kind != "flow":
            result = self._entered(unit, ind.code, key, 0)
            if result is None and children:
                result = self._children_sum(unit, ind, key, self.month_value)
        else:
            result = self._entered(unit, ind.code, key, 0)
            if result is None:
                ytd = self._entered(unit, ind.code, key, 1)
                if ytd is not None:
                    if split_month_key(key)[1] == 1:
                        result = ytd
                    else:
                        previous = self.ytd(unit, ind, add_months(key, -1), children)
                        result = None if previous is None else ytd - previous
            if result is None and children:
                result = self._children_sum(unit, ind, key, self.month_value)
        self._memo[memo] = result
        return result

    def ytd(self, unit: str, ind: Indicator, key: int, children: bool = True) -> float | None:
        """Year-to-date at the end of month `key`: a sum for flows, the latest level otherwise."""
        memo = ("y", unit, ind.code, key, children)
        if memo in self._memo:
            return self._memo[memo]
        if ind.derived:
            result = self._formula(ind, lambda c: self.ytd(unit, c, key, children))
        elif ind.kind != "flow":
            year, month = split_month_key(key)
            result = self.latest_level(unit, ind, month_key(year, 1), key, children)
        else:
            result = self._entered(unit, ind.code, key, 1)
            if result is None:
                own_month = self._entered(unit, ind.code, key, 0)
                if own_month is not None:
                    if split_month_key(key)[1] == 1:
                        result = own_month
                    else:
                        previous = self.ytd(unit, ind, add_months(key, -1), children)
                        result = None if previous is None else previous + own_month
            if result is None and children:
                result = self._children_sum(unit, ind, key, self.ytd)
        self._memo[memo] = result
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
        self.load_until(period.end_key)
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
        self.load_until(period.end_key)
        return self.ytd(unit, ind, period.end_key, children)

    def term_to_date(self, unit: str, ind: Indicator, first_year: int, period: Period) -> float | None:
        """Cumulative from the term's first year to the period's end (flows)."""
        if ind.derived:
            return self._formula(ind, lambda c: self.term_to_date(unit, c, first_year, period))
        self.load_until(period.end_key)
        entered = self._entered(unit, ind.code, period.end_key, 2)
        if entered is not None:
            return entered
        if ind.kind != "flow" or first_year > period.year:
            return None
        for year in range(first_year, period.year):
            self.load_until(month_key(year, 12))
        total = 0.0
        for year in range(first_year, period.year):
            value = self.ytd(unit, ind, month_key(year, 12))
            if value is None:
                return None
            total += value
        current = self.ytd(unit, ind, period.end_key)
        return None if current is None else total + current

    def period_status(self, units: list[str], indicator: str, period: Period) -> str | None:
        statuses = {row[6] for unit in units for key in period.months
                    if (row := self.rows.get((unit, indicator, key))) is not None
                    and any(v is not None for v in row[3:6])}
        if not statuses:
            return None
        return "estimate" if "estimate" in statuses else "official"

    def period_comments(self, unit: str, indicator: str, period: Period) -> list[str]:
        return [row[7] for key in period.months
                if (row := self.rows.get((unit, indicator, key))) is not None and row[7]]


