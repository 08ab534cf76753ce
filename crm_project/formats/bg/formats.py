# Django's Bulgarian formats leave thousands ungrouped; Bulgarian business
# documents group them with a (non-breaking) space: 1 234 567,50 лв.
from django.conf.locale.bg.formats import *  # noqa: F403

NUMBER_GROUPING = 3
