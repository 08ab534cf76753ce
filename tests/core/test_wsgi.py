"""The WSGI entry point gunicorn loads (crm_project/wsgi.py)."""

import gc
import importlib

from django.test import SimpleTestCase


class WsgiTests(SimpleTestCase):
    def test_what_start_up_loaded_is_frozen_out_of_the_garbage_collectors_reach(self):
        gc.unfreeze()
        self.addCleanup(gc.unfreeze)  # the test process keeps collecting as before
        module = importlib.reload(importlib.import_module("crm_project.wsgi"))
        self.assertTrue(callable(module.application))
        self.assertGreater(gc.get_freeze_count(), 10_000)
