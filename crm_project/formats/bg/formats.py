# Django's Bulgarian formats leave thousands ungrouped and the date-times unset (they then fall
# back to the US "Dec. 7, 2026, 10 a.m."); Bulgarian business documents group thousands with a
# (non-breaking) space, 1 234 567,50 лв., and write 07.12.2026 10:00.
from django.conf.locale.bg.formats import *  # noqa: F403

NUMBER_GROUPING = 3
DATETIME_FORMAT = "d F Y, H:i"  # '07 декември 2026, 10:00'
SHORT_DATETIME_FORMAT = "d.m.Y H:i"  # '07.12.2026 10:00'
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y"]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%y %H:%M"]
