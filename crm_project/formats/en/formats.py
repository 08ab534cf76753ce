# English as Hungarian and Bulgarian companies use it: day-first dates and the 24-hour clock
# (British order, never the US month-first "12/08/2026 12:53 a.m."). ISO input is always accepted.
from django.conf.locale.en_GB.formats import *  # noqa: F403

TIME_FORMAT = "H:i"  # '14:30'
DATETIME_FORMAT = "j M Y, H:i"  # '25 Oct 2006, 14:30'
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # '25/10/2006 14:30'
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]
