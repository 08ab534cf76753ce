"""core/rows.py writes list cells faster than the template language: the same text, checked here against
Django's own `escape` and `dateformat.format` for every language's formats."""

import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase
from django.utils import dateformat, formats, translation
from django.utils.html import escape as django_escape

from core.rows import RowCells, compiled_format, escape

SOFIA = ZoneInfo("Europe/Sofia")


class CompiledFormatTests(SimpleTestCase):
    def moments(self):
        rng = random.Random(6)
        fixed = [
            datetime(2026, 1, 1, 0, 0, 5),
            datetime(2026, 12, 31, 23, 59, 59),
            datetime(1999, 7, 4, 9, 3, 0),
        ]
        return fixed + [
            datetime(
                rng.randrange(1, 9999),
                rng.randrange(1, 13),
                rng.randrange(1, 29),
                rng.randrange(24),
                rng.randrange(60),
                rng.randrange(60),
            )
            for _ in range(300)
        ]

    def test_every_language_writes_what_dateformat_writes(self):
        for language in ("en", "hu", "bg"):
            with translation.override(language):
                for name in ("SHORT_DATETIME_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "DATE_FORMAT"):
                    django_format = formats.get_format(name)
                    write = compiled_format(django_format)
                    for moment in self.moments():
                        value = moment if "DATETIME" in name else moment.date()
                        with self.subTest(language=language, format=django_format, value=value):
                            self.assertEqual(write(value), dateformat.format(value, django_format))

    def test_formats_with_names_or_escapes_fall_back_to_dateformat(self):
        for django_format in ("j F Y", "D, d M Y", r"d \d\e m", "N j, Y, P", "y.m.d", "{d}/{m}"):
            with self.subTest(format=django_format):
                for moment in self.moments()[:20]:
                    self.assertEqual(
                        compiled_format(django_format)(moment), dateformat.format(moment, django_format)
                    )

    def test_row_cells_use_the_zone(self):
        with translation.override("bg"), self.settings(TIME_ZONE="Europe/Sofia"):
            from django.utils import timezone

            with timezone.override(SOFIA):
                cells = RowCells()
                moment = datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("UTC"))  # 02:30 in Sofia, before DST
                self.assertEqual(
                    cells.datetime(moment),
                    dateformat.format(moment.astimezone(SOFIA), formats.get_format("SHORT_DATETIME_FORMAT")),
                )
                self.assertEqual(
                    cells.date(date(2026, 12, 6)),
                    dateformat.format(date(2026, 12, 6), formats.get_format("SHORT_DATE_FORMAT")),
                )


class EscapeTests(SimpleTestCase):
    def test_the_same_text_as_djangos_escape(self):
        for value in (
            "<script>alert('x')</script>",
            'a "quoted" & <b>',
            "plain",
            "",
            12,
            None,
            "ő ű <>",
            "&amp;",
        ):
            with self.subTest(value=value):
                self.assertEqual(escape(value), str(django_escape(value)))
