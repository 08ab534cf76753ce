"""Working-day calendar of a company.

Used by every rule that counts working days: the meeting block, the deadlines of
dunning letters and the next-event discipline. A day's status comes, in this
order, from:

a. the company's own `CalendarDay` exception, if there is one;
b. the country's transferred working Saturdays (`weekend_workdays` of the
   `holidays` package, e.g. Hungary's 2026-01-10) -> working day;
c. Saturday or Sunday -> day off;
d. a public holiday of the country (including Hungary's bridge days and
   Bulgaria's observed days, which the `holidays` package lists) -> day off;
e. otherwise a working day.

"N working days after day D" has one definition, `WorkCalendar.add_working_days`:
the N-th working day strictly after D (D itself never counts, whatever it is).
The rules say it through it:

- dunning: a letter "N working days past due" goes on `add_working_days(due, N)`;
- meeting block: a meeting leaves N full working days to close it and blocks from
  00:00 (company time) of `grace_over_on(day, N)`, the (N+1)-th working day after
  its day: a Thursday meeting with N=2 leaves Friday and Monday, blocks Tuesday;
- next-event discipline: a partner is taken away on `first_working_day_from(d)`,
  the first working day on or after the day its month is over.

The day D of a moment is always the company's local day (`company_day`), never
the server's.

Build one `WorkCalendar` per company and ask it many questions: it loads the
company's exceptions with a single query, and the country calendars are cached
per (country, year) for the whole process because building them is slow.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta
from types import MappingProxyType

import holidays
from django.utils import timezone
from holidays import HolidayBase

from companies.models import CalendarDay, Company

#: Saturday and Sunday (`date.weekday()` numbers); the weekend in Hungary and Bulgaria.
WEEKEND = frozenset({5, 6})
ONE_DAY = timedelta(days=1)


@functools.lru_cache(maxsize=512)
def country_holidays(country: str, year: int) -> HolidayBase:
    """The country's public holidays of one year, with English names.

    Cached per process: building a calendar takes milliseconds. `expand=False`
    so that looking up a date of another year never mutates the shared object.
    """
    return holidays.country_holidays(country, years=year, language="en", expand=False)


@dataclass(frozen=True, slots=True)
class _CountryYear:
    """Immutable snapshot of one country-year, cheap to query in loops."""

    names: Mapping[date, str]
    weekend_workdays: frozenset[date]


@functools.lru_cache(maxsize=512)
def _country_year(country: str, year: int) -> _CountryYear:
    """Holidays and transferred working weekend days falling in `year`.

    A transfer can cross the year boundary (a January bridge day worked off on a
    December Saturday is listed under the January's year), so the neighbouring
    years' `weekend_workdays` are consulted too.
    """
    workdays: set[date] = set()
    for other in (year - 1, year, year + 1):
        if MINYEAR <= other <= MAXYEAR:
            workdays.update(d for d in country_holidays(country, other).weekend_workdays if d.year == year)
    return _CountryYear(
        names=MappingProxyType(dict(country_holidays(country, year))),
        weekend_workdays=frozenset(workdays),
    )


def _check_date(d: date) -> date:
    """Refuse datetimes: their calendar day depends on the time zone, which the caller must choose."""
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"A date is needed, not {type(d).__name__} (use timezone.localdate(dt)).")
    return d


class WorkCalendar:
    """Working days of one company: its country's calendar plus its own exceptions."""

    def __init__(
        self,
        country: str,
        exceptions: Mapping[date, bool] | None = None,
        notes: Mapping[date, str] | None = None,
    ) -> None:
        """`exceptions` maps a date to True (working day) or False (day off); `notes` explains them."""
        self.country = country
        self._exceptions: dict[date, bool] = dict(exceptions or {})
        self._notes: dict[date, str] = dict(notes or {})
        self._years: dict[int, _CountryYear] = {}

    @classmethod
    def for_company(cls, company: Company) -> WorkCalendar:
        """The calendar of `company`, loading its `CalendarDay` rows with one query."""
        exceptions: dict[date, bool] = {}
        notes: dict[date, str] = {}
        rows = CalendarDay.objects.filter(company=company).values_list("date", "is_working_day", "note")
        for day, working, note in rows:
            exceptions[day] = working
            if note:
                notes[day] = note
        return cls(company.country, exceptions, notes)

    def __repr__(self) -> str:
        return f"<WorkCalendar {self.country} with {len(self._exceptions)} exception(s)>"

    def _year(self, year: int) -> _CountryYear:
        data = self._years.get(year)
        if data is None:
            data = self._years[year] = _country_year(self.country, year)
        return data

    def _country_says_working(self, d: date) -> bool:
        """Rules b-e: the country calendar alone, without the company's exceptions."""
        data = self._year(d.year)
        if d in data.weekend_workdays:
            return True
        if d.weekday() in WEEKEND:
            return False
        return d not in data.names

    def is_working_day(self, d: date) -> bool:
        """Whether the company works on `d`."""
        d = _check_date(d)
        working = self._exceptions.get(d)
        if working is not None:
            return working
        return self._country_says_working(d)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day strictly after `d` (before it when n < 0).

        This is "n working days after d", the one definition every rule uses (see the module
        docstring). n=0 returns `d` itself if it is a working day, else the next working day,
        so "due within 0 working days" on a holiday means the next working day.
        """
        d = _check_date(d)
        if n == 0:
            while not self.is_working_day(d):
                d += ONE_DAY
            return d
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def grace_over_on(self, d: date, grace: int) -> date:
        """The day a rule leaving `grace` full working days after day `d` takes effect (from 00:00).

        That is the (grace+1)-th working day after `d`: with grace 2, a Thursday leaves Friday and
        Monday and the rule bites on Tuesday. Transferred working Saturdays count; holidays,
        bridge days, observed days and the company's days off do not.
        """
        return self.add_working_days(d, grace + 1)

    def first_working_day_from(self, d: date) -> date:
        """`d` if it is a working day, else the next working day."""
        return self.add_working_days(d, 0)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        return self.add_working_days(d, 1)

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before `d`."""
        return self.add_working_days(d, -1)

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days in (start, end]; 0 if end <= start.

        Counted arithmetically (weekdays, minus weekday holidays, plus working
        weekend days, then the company's exceptions), so ranges of many years
        cost a few lookups per year rather than one per day.
        """
        start, end = _check_date(start), _check_date(end)
        if end <= start:
            return 0
        full_weeks, rest = divmod((end - start).days, 7)
        count = full_weeks * (7 - len(WEEKEND))
        day = start + timedelta(weeks=full_weeks)
        for _ in range(rest):
            day += ONE_DAY
            if day.weekday() not in WEEKEND:
                count += 1
        for year in range(start.year, end.year + 1):
            data = self._year(year)
            for holiday in data.names:
                weekday_holiday = holiday.weekday() not in WEEKEND and holiday not in data.weekend_workdays
                if weekday_holiday and start < holiday <= end:
                    count -= 1
            for workday in data.weekend_workdays:
                if start < workday <= end and workday.weekday() in WEEKEND:
                    count += 1
        for day, working in self._exceptions.items():
            if start < day <= end:
                count += int(working) - int(self._country_says_working(day))
        return count

    def holiday_name(self, d: date) -> str | None:
        """Why `d` is a day off, for letters and the UI; None on working days and plain weekends.

        A company day off gives its note (or the country holiday's name); a
        company working day gives None even on a public holiday.
        """
        d = _check_date(d)
        working = self._exceptions.get(d)
        if working is True:
            return None
        name = self._year(d.year).names.get(d)
        if working is False:
            return self._notes.get(d) or name
        if d in self._year(d.year).weekend_workdays:
            return None
        return name


def company_day(company: Company, moment: datetime | None = None) -> date:
    """The calendar day of `moment` (default: now) where the company lives, in its own time zone."""
    return timezone.localdate(moment or timezone.now(), company.zone)


def company_midnight(company: Company, d: date) -> datetime:
    """00:00 of day `d` in the company's time zone, as an aware datetime (DST-safe)."""
    return datetime.combine(d, time.min, tzinfo=company.zone)


def working_days_since(company: Company, d: date, today: date) -> int:
    """Working days that passed after `d` up to and including `today` (one query)."""
    return WorkCalendar.for_company(company).working_days_between(d, today)


def is_working_day(company: Company, d: date) -> bool:
    """Whether `company` works on `d` (one query; build a WorkCalendar for many dates)."""
    return WorkCalendar.for_company(company).is_working_day(d)
