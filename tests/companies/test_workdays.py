"""The working-day calendar against the real Hungarian and Bulgarian calendars of the `holidays` package."""

from datetime import UTC, date, datetime, timedelta

from django.test import SimpleTestCase, TestCase

from companies.models import CalendarDay
from companies.workdays import (
    WorkCalendar,
    company_day,
    company_midnight,
    country_holidays,
    is_working_day,
    working_days_since,
)
from tests.factories import CompanyFactory

SUNDAY = 6


class HungarianCalendarTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(country="HU")

    def setUp(self):
        self.calendar = WorkCalendar.for_company(self.company)

    def test_days_off_2026(self):
        days_off = [
            date(2026, 1, 1),  # New Year's Day
            date(2026, 1, 2),  # bridge day, worked off on Saturday 2026-01-10
            date(2026, 3, 15),  # National Day, a Sunday
            date(2026, 4, 3),  # Good Friday
            date(2026, 4, 6),  # Easter Monday
            date(2026, 5, 1),  # Labour Day
            date(2026, 5, 25),  # Whit Monday
            date(2026, 8, 20),  # State Foundation Day
            date(2026, 8, 21),  # bridge day, worked off on Saturday 2026-08-08
            date(2026, 10, 23),  # National Day
            date(2026, 11, 1),  # All Saints' Day, a Sunday
            date(2026, 12, 24),  # bridge day, worked off on Saturday 2026-12-12
            date(2026, 12, 25),
            date(2026, 12, 26),
        ]
        for day in days_off:
            with self.subTest(day=day):
                self.assertFalse(self.calendar.is_working_day(day))

    def test_weekdays_of_holidays_falling_on_sundays(self):
        self.assertEqual(date(2026, 3, 15).weekday(), SUNDAY)
        self.assertEqual(date(2026, 11, 1).weekday(), SUNDAY)

    def test_transferred_working_saturdays(self):
        for day in [
            date(2025, 5, 17),
            date(2025, 10, 18),
            date(2025, 12, 13),
            date(2026, 1, 10),
            date(2026, 8, 8),
            date(2026, 12, 12),
        ]:
            with self.subTest(day=day):
                self.assertEqual(day.weekday(), 5)
                self.assertTrue(self.calendar.is_working_day(day))
                self.assertIsNone(self.calendar.holiday_name(day))

    def test_package_still_publishes_weekend_workdays(self):
        """Guards the attribute the calendar relies on against a `holidays` upgrade renaming it."""
        self.assertEqual(
            country_holidays("HU", 2026).weekend_workdays,
            {date(2026, 1, 10), date(2026, 8, 8), date(2026, 12, 12)},
        )

    def test_ordinary_days(self):
        self.assertTrue(self.calendar.is_working_day(date(2026, 1, 5)))  # Monday
        self.assertTrue(self.calendar.is_working_day(date(2025, 12, 31)))  # Wednesday
        self.assertFalse(self.calendar.is_working_day(date(2026, 1, 3)))  # Saturday
        self.assertFalse(self.calendar.is_working_day(date(2026, 1, 4)))  # Sunday

    def test_holiday_names(self):
        self.assertEqual(self.calendar.holiday_name(date(2026, 10, 23)), "National Day")
        self.assertEqual(self.calendar.holiday_name(date(2026, 5, 25)), "Pentecost Monday")
        self.assertEqual(
            self.calendar.holiday_name(date(2026, 1, 2)), "Day off (substituted from 01/10/2026)"
        )
        self.assertIsNone(self.calendar.holiday_name(date(2026, 1, 5)))
        self.assertIsNone(self.calendar.holiday_name(date(2026, 1, 3)))  # plain Saturday

    def test_add_working_days_over_a_weekend_and_a_holiday(self):
        # Thursday + 1: Friday 10-23 is a holiday, then the weekend.
        self.assertEqual(self.calendar.add_working_days(date(2026, 10, 22), 1), date(2026, 10, 26))
        self.assertEqual(self.calendar.add_working_days(date(2026, 10, 22), 2), date(2026, 10, 27))
        # Good Friday and Easter Monday around the weekend.
        self.assertEqual(self.calendar.add_working_days(date(2026, 4, 2), 1), date(2026, 4, 7))

    def test_add_working_days_over_the_year_boundary(self):
        # 01-01 and 01-02 are off, 01-03 and 01-04 are the weekend.
        self.assertEqual(self.calendar.add_working_days(date(2025, 12, 31), 1), date(2026, 1, 5))
        # 12-24, 12-25, 12-26 (2025) are off.
        self.assertEqual(self.calendar.add_working_days(date(2025, 12, 23), 1), date(2025, 12, 29))
        self.assertEqual(self.calendar.add_working_days(date(2025, 12, 23), 3), date(2025, 12, 31))
        self.assertEqual(self.calendar.add_working_days(date(2025, 12, 23), 4), date(2026, 1, 5))

    def test_add_working_days_counts_a_working_saturday(self):
        self.assertEqual(self.calendar.add_working_days(date(2026, 1, 9), 1), date(2026, 1, 10))
        self.assertEqual(self.calendar.add_working_days(date(2026, 1, 9), 2), date(2026, 1, 12))
        self.assertEqual(self.calendar.add_working_days(date(2026, 8, 7), 1), date(2026, 8, 8))

    def test_add_zero_working_days(self):
        self.assertEqual(self.calendar.add_working_days(date(2026, 1, 5), 0), date(2026, 1, 5))
        self.assertEqual(self.calendar.add_working_days(date(2026, 1, 1), 0), date(2026, 1, 5))
        self.assertEqual(self.calendar.add_working_days(date(2026, 1, 10), 0), date(2026, 1, 10))

    def test_add_negative_working_days(self):
        self.assertEqual(self.calendar.add_working_days(date(2026, 10, 26), -1), date(2026, 10, 22))
        self.assertEqual(self.calendar.add_working_days(date(2026, 1, 5), -1), date(2025, 12, 31))
        self.assertEqual(self.calendar.add_working_days(date(2026, 1, 12), -1), date(2026, 1, 10))
        self.assertEqual(self.calendar.previous_working_day(date(2026, 1, 5)), date(2025, 12, 31))

    def test_next_working_day(self):
        self.assertEqual(self.calendar.next_working_day(date(2026, 8, 19)), date(2026, 8, 24))
        self.assertEqual(self.calendar.next_working_day(date(2026, 12, 23)), date(2026, 12, 28))

    def test_working_days_between(self):
        self.assertEqual(self.calendar.working_days_between(date(2026, 10, 22), date(2026, 10, 26)), 1)
        self.assertEqual(self.calendar.working_days_between(date(2026, 10, 22), date(2026, 10, 27)), 2)
        self.assertEqual(self.calendar.working_days_between(date(2025, 12, 31), date(2026, 1, 5)), 1)
        self.assertEqual(self.calendar.working_days_between(date(2026, 1, 9), date(2026, 1, 12)), 2)
        self.assertEqual(self.calendar.working_days_between(date(2026, 1, 5), date(2026, 1, 5)), 0)
        self.assertEqual(self.calendar.working_days_between(date(2026, 1, 6), date(2026, 1, 5)), 0)

    def test_working_days_of_2026(self):
        # 261 weekdays - 11 weekday holidays and bridge days (01-01, 01-02, 04-03, 04-06, 05-01,
        # 05-25, 08-20, 08-21, 10-23, 12-24, 12-25) + 3 working Saturdays (01-10, 08-08, 12-12).
        self.assertEqual(self.calendar.working_days_between(date(2025, 12, 31), date(2026, 12, 31)), 253)


class BulgarianCalendarTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(country="BG", language="bg", currency="BGN")

    def setUp(self):
        self.calendar = WorkCalendar.for_company(self.company)

    def test_days_off_2026(self):
        days_off = [
            date(2026, 1, 1),
            date(2026, 1, 2),  # a government non-working day in the package
            date(2026, 3, 3),  # Liberation Day
            date(2026, 4, 10),  # Orthodox Good Friday
            date(2026, 4, 13),  # Orthodox Easter Monday
            date(2026, 5, 1),
            date(2026, 5, 6),  # Saint George's Day
            date(2026, 5, 24),  # Day of the Slavonic Alphabet, a Sunday...
            date(2026, 5, 25),  # ...observed on Monday
            date(2026, 9, 7),  # Unification Day (a Sunday) observed
            date(2026, 9, 22),  # Independence Day
            date(2026, 12, 24),
            date(2026, 12, 25),
            date(2026, 12, 26),
            date(2026, 12, 28),  # 12-26 (a Saturday) observed
        ]
        for day in days_off:
            with self.subTest(day=day):
                self.assertFalse(self.calendar.is_working_day(day))

    def test_observed_day(self):
        self.assertEqual(date(2026, 5, 24).weekday(), SUNDAY)
        self.assertEqual(
            self.calendar.holiday_name(date(2026, 5, 25)),
            "Day of Slavonic Alphabet, Bulgarian Enlightenment and Culture (observed)",
        )

    def test_no_working_saturdays(self):
        """Hungary's transferred Saturdays do not leak into Bulgaria."""
        self.assertFalse(self.calendar.is_working_day(date(2026, 1, 10)))
        self.assertFalse(self.calendar.is_working_day(date(2026, 8, 8)))

    def test_ordinary_days(self):
        self.assertTrue(self.calendar.is_working_day(date(2026, 4, 14)))
        self.assertTrue(self.calendar.is_working_day(date(2026, 4, 3)))  # Catholic Good Friday
        self.assertTrue(self.calendar.is_working_day(date(2026, 10, 23)))  # Hungarian National Day

    def test_add_working_days_over_orthodox_easter(self):
        self.assertEqual(self.calendar.add_working_days(date(2026, 4, 9), 1), date(2026, 4, 14))
        self.assertEqual(self.calendar.working_days_between(date(2026, 4, 9), date(2026, 4, 14)), 1)

    def test_add_working_days_over_the_year_boundary(self):
        self.assertEqual(self.calendar.add_working_days(date(2026, 12, 23), 1), date(2026, 12, 29))
        self.assertEqual(self.calendar.add_working_days(date(2025, 12, 30), 1), date(2026, 1, 5))


class CompanyExceptionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(country="HU")
        cls.other = CompanyFactory(country="HU")
        cls.wednesday = date(2026, 3, 11)
        cls.sunday = date(2026, 3, 22)
        CalendarDay.objects.create(
            company=cls.company, date=cls.wednesday, is_working_day=False, note="Company day"
        )
        CalendarDay.objects.create(company=cls.company, date=cls.sunday, is_working_day=True)

    def test_company_day_off_on_a_wednesday(self):
        calendar = WorkCalendar.for_company(self.company)
        self.assertFalse(calendar.is_working_day(self.wednesday))
        self.assertEqual(calendar.holiday_name(self.wednesday), "Company day")
        self.assertEqual(calendar.add_working_days(date(2026, 3, 10), 1), date(2026, 3, 12))
        self.assertEqual(calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 13)), 3)

    def test_company_working_sunday(self):
        calendar = WorkCalendar.for_company(self.company)
        self.assertTrue(calendar.is_working_day(self.sunday))
        self.assertEqual(calendar.add_working_days(date(2026, 3, 20), 1), self.sunday)
        self.assertEqual(calendar.next_working_day(self.sunday), date(2026, 3, 23))
        self.assertEqual(calendar.working_days_between(date(2026, 3, 20), date(2026, 3, 23)), 2)

    def test_other_company_is_not_affected(self):
        calendar = WorkCalendar.for_company(self.other)
        self.assertTrue(calendar.is_working_day(self.wednesday))
        self.assertFalse(calendar.is_working_day(self.sunday))
        self.assertEqual(calendar.add_working_days(date(2026, 3, 10), 1), self.wednesday)
        self.assertEqual(calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 13)), 4)
        self.assertEqual(calendar.working_days_between(date(2026, 3, 20), date(2026, 3, 23)), 1)

    def test_exception_overrides_a_public_holiday_and_a_working_saturday(self):
        CalendarDay.objects.create(company=self.company, date=date(2026, 10, 23), is_working_day=True)
        CalendarDay.objects.create(company=self.company, date=date(2026, 1, 10), is_working_day=False)
        calendar = WorkCalendar.for_company(self.company)
        self.assertTrue(calendar.is_working_day(date(2026, 10, 23)))
        self.assertIsNone(calendar.holiday_name(date(2026, 10, 23)))
        self.assertEqual(calendar.add_working_days(date(2026, 10, 22), 1), date(2026, 10, 23))
        self.assertFalse(calendar.is_working_day(date(2026, 1, 10)))
        self.assertEqual(calendar.add_working_days(date(2026, 1, 9), 1), date(2026, 1, 12))

    def test_counting_matches_day_by_day_over_years(self):
        """The arithmetic count agrees with asking each day, exceptions included."""
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(company=self.company, date=date(2025, 12, 31), is_working_day=False),
                CalendarDay(company=self.company, date=date(2026, 1, 1), is_working_day=True),
                CalendarDay(company=self.company, date=date(2026, 8, 8), is_working_day=False),
                CalendarDay(company=self.company, date=date(2027, 2, 6), is_working_day=True),
            ]
        )
        calendar = WorkCalendar.for_company(self.company)
        start = date(2024, 12, 28)
        expected = 0
        for offset in range(1, 4 * 366):
            day = start + timedelta(days=offset)
            expected += calendar.is_working_day(day)
            if offset % 97 == 0 or offset > 4 * 366 - 10:
                with self.subTest(end=day):
                    self.assertEqual(calendar.working_days_between(start, day), expected)
            if calendar.is_working_day(day):
                self.assertEqual(calendar.add_working_days(start, expected), day)

    def test_one_query_for_a_year_of_questions(self):
        company = type(self.company).objects.get(pk=self.company.pk)
        with self.assertNumQueries(1):
            calendar = WorkCalendar.for_company(company)
            answers = [calendar.is_working_day(date(2026, 1, 1) + timedelta(days=i)) for i in range(365)]
            calendar.working_days_between(date(2020, 1, 1), date(2030, 12, 31))
            calendar.add_working_days(date(2026, 1, 1), 200)
        self.assertEqual(sum(answers), 253 - 1 + 1)  # Wednesday off, Sunday worked

    def test_convenience_functions(self):
        # A meeting on Thursday 2026-10-22: Friday is a holiday, so Monday is 1 working day later.
        self.assertEqual(working_days_since(self.company, date(2026, 10, 22), date(2026, 10, 26)), 1)
        self.assertEqual(working_days_since(self.company, date(2026, 10, 22), date(2026, 10, 27)), 2)
        self.assertEqual(working_days_since(self.company, date(2026, 10, 22), date(2026, 10, 22)), 0)
        self.assertFalse(is_working_day(self.company, self.wednesday))
        self.assertTrue(is_working_day(self.other, self.wednesday))
        self.assertTrue(is_working_day(self.company, self.sunday))


class DateTypeTests(SimpleTestCase):
    def test_datetime_is_refused(self):
        """A datetime's calendar day depends on the time zone; the caller must pick it."""
        with self.assertRaises(TypeError):
            WorkCalendar("HU").is_working_day(datetime(2026, 1, 5, 10, 0))


class GraceAndDeadlineTests(SimpleTestCase):
    """`grace_over_on`: N full working days after a day, the rule bites at the (N+1)-th working day.

    The real 2026 calendars of the `holidays` package; the meeting block uses a grace of 2.
    """

    hu = WorkCalendar("HU")
    bg = WorkCalendar("BG")

    def check(self, calendar, meeting_day, expected):
        with self.subTest(country=calendar.country, day=meeting_day):
            self.assertEqual(calendar.grace_over_on(meeting_day, 2), expected)

    def test_thursday_leaves_friday_and_monday_and_bites_on_tuesday(self):
        self.check(self.hu, date(2026, 11, 19), date(2026, 11, 24))
        self.check(self.bg, date(2026, 11, 19), date(2026, 11, 24))

    def test_a_transferred_working_saturday_counts(self):
        # Thu 2026-01-08: Fri 9 and the working Saturday 10 are the two days; Monday 12 it bites.
        self.check(self.hu, date(2026, 1, 8), date(2026, 1, 12))
        self.check(self.hu, date(2026, 8, 6), date(2026, 8, 10))  # Saturday 2026-08-08 worked too
        self.check(self.bg, date(2026, 1, 8), date(2026, 1, 13))  # Bulgaria has no such Saturday

    def test_bridge_days_do_not_count(self):
        # Wed 2026-08-19: 20 Aug is a holiday, Fri 21 a bridge day; Mon 24 and Tue 25 are the two days.
        self.check(self.hu, date(2026, 8, 19), date(2026, 8, 26))

    def test_the_year_change_with_the_bridge_day_of_2_january(self):
        # Tue 2025-12-30: Wed 31 is day 1; 1 Jan holiday, 2 Jan bridge day, weekend; Mon 5 Jan is day 2.
        self.check(self.hu, date(2025, 12, 30), date(2026, 1, 6))
        # Bulgaria, Tue 2026-12-29: Wed 30 and Thu 31; 1 Jan 2027 is a holiday, so Monday 4 Jan.
        self.check(self.bg, date(2026, 12, 29), date(2027, 1, 4))

    def test_bulgarian_observed_holidays_do_not_count(self):
        # Thu 2026-09-03: Fri 4 is day 1, Mon 7 is Unification Day observed, Tue 8 is day 2.
        self.check(self.bg, date(2026, 9, 3), date(2026, 9, 9))
        # Thu 2026-05-21: Fri 22, (Mon 25 observed), Tue 26; bites Wednesday 27.
        self.check(self.bg, date(2026, 5, 21), date(2026, 5, 27))
        # Christmas: Wed 2026-12-23, then 24, 25, 26 (Sat) and 28 (observed) off: Tue 29, Wed 30.
        self.check(self.bg, date(2026, 12, 23), date(2026, 12, 31))

    def test_the_same_thursday_differs_by_country(self):
        # Fri 2026-10-23 is a Hungarian holiday but a Bulgarian working day.
        self.check(self.hu, date(2026, 10, 22), date(2026, 10, 28))
        self.check(self.bg, date(2026, 10, 22), date(2026, 10, 27))

    def test_a_meeting_on_a_day_off_still_gets_two_full_working_days(self):
        self.check(self.hu, date(2026, 11, 21), date(2026, 11, 25))  # Saturday: Mon, Tue; Wednesday
        self.check(self.hu, date(2026, 10, 23), date(2026, 10, 28))  # a holiday Friday

    def test_first_working_day_from(self):
        self.assertEqual(self.hu.first_working_day_from(date(2026, 12, 2)), date(2026, 12, 2))
        self.assertEqual(self.hu.first_working_day_from(date(2026, 8, 20)), date(2026, 8, 24))
        self.assertEqual(self.hu.first_working_day_from(date(2026, 1, 10)), date(2026, 1, 10))
        self.assertEqual(self.bg.first_working_day_from(date(2026, 12, 24)), date(2026, 12, 29))


class CompanyDayTests(TestCase):
    """The day of a moment is the company's, in its own time zone, across midnight and DST."""

    @classmethod
    def setUpTestData(cls):
        cls.sofia = CompanyFactory(country="BG", language="bg", currency="BGN")
        cls.budapest = CompanyFactory(country="HU")

    def test_around_midnight(self):
        moment = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # 00:30 in Sofia, 23:30 in Budapest
        self.assertEqual(company_day(self.sofia, moment), date(2026, 11, 24))
        self.assertEqual(company_day(self.budapest, moment), date(2026, 11, 23))

    def test_midnight_across_dst(self):
        # Summer time from 2026-03-29: midnight of the 31st is 21:00 UTC in Sofia, 22:00 in Budapest.
        self.assertEqual(
            company_midnight(self.sofia, date(2026, 3, 31)), datetime(2026, 3, 30, 21, 0, tzinfo=UTC)
        )
        self.assertEqual(
            company_midnight(self.budapest, date(2026, 3, 31)), datetime(2026, 3, 30, 22, 0, tzinfo=UTC)
        )
        # Winter time from 2026-10-25: the 27th begins at 22:00 UTC in Sofia, 23:00 in Budapest.
        self.assertEqual(
            company_midnight(self.sofia, date(2026, 10, 27)), datetime(2026, 10, 26, 22, 0, tzinfo=UTC)
        )
        self.assertEqual(
            company_midnight(self.budapest, date(2026, 10, 27)), datetime(2026, 10, 26, 23, 0, tzinfo=UTC)
        )

        # The day of the change itself is 23 and 25 hours long (in UTC: Python subtracts wall clocks
        # when both sides share a zone).
        def hours(company, day):
            length = company_midnight(company, day + timedelta(days=1)).astimezone(UTC) - company_midnight(
                company, day
            ).astimezone(UTC)
            return length / timedelta(hours=1)

        self.assertEqual(hours(self.sofia, date(2026, 3, 29)), 23)
        self.assertEqual(hours(self.budapest, date(2026, 10, 25)), 25)
