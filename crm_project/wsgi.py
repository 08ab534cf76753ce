import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_project.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules and URL patterns: over 100,000 objects) lives as
# long as the worker. Frozen, it is out of the cyclic garbage collector's reach, so a full collection reads
# less: the longest pause in 1,200 list requests fell from 140 to 68 ms (bench/README.md, "Stop 18"). What
# the first requests load (templates, catalogues) is not frozen and is still read.
gc.freeze()
