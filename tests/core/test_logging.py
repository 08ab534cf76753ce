"""Structured logs: the JSON formatter, the request-id middleware and the logging filter."""

import json
import logging
import re
import sys
from datetime import datetime

from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, TestCase

from core.logging import JsonFormatter
from core.request_id import REQUEST_ID_HEADER, RequestIdFilter, RequestIdMiddleware, get_request_id

GENERATED = re.compile(r"[0-9a-f]{32}")


def _record(message="hello %s", args=("world",), exc_info=None, **extra):
    record = logging.LogRecord("crm.test", logging.WARNING, __file__, 10, message, args, exc_info)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


class JsonFormatterTests(SimpleTestCase):
    def test_one_json_object_with_the_fields(self):
        entry = json.loads(JsonFormatter().format(_record(request_id="abcdef12-3456")))
        self.assertEqual(entry["level"], "WARNING")
        self.assertEqual(entry["logger"], "crm.test")
        self.assertEqual(entry["message"], "hello world")
        self.assertEqual(entry["module"], "test_logging")
        self.assertEqual(entry["request_id"], "abcdef12-3456")
        stamp = datetime.fromisoformat(entry["timestamp"])
        self.assertEqual(stamp.utcoffset().total_seconds(), 0)
        self.assertNotIn("exception", entry)

    def test_exception_text_and_no_request_id_outside_a_request(self):
        try:
            raise ValueError('broken "quotes"\nand newline')
        except ValueError:
            line = JsonFormatter().format(_record(exc_info=sys.exc_info()))
        self.assertEqual(len(line.splitlines()), 1)  # one line per record, even with a traceback
        entry = json.loads(line)
        self.assertIn("Traceback", entry["exception"])
        self.assertIn("ValueError: broken", entry["exception"])
        self.assertNotIn("request_id", entry)

    def test_non_json_arguments_do_not_break_the_line(self):
        entry = json.loads(JsonFormatter().format(_record("value %r", (object(),), status_code=404)))
        self.assertTrue(entry["message"].startswith("value <object"))
        self.assertEqual(entry["status_code"], 404)


class RequestIdMiddlewareTests(SimpleTestCase):
    def run_middleware(self, incoming=None):
        seen = {}
        records = []

        def view(request):
            seen["request"] = request.request_id
            seen["context"] = get_request_id()
            record = _record()
            RequestIdFilter().filter(record)
            records.append(record)
            return HttpResponse("ok")

        headers = {"HTTP_X_REQUEST_ID": incoming} if incoming is not None else {}
        response = RequestIdMiddleware(view)(RequestFactory().get("/", **headers))
        return response, seen, records[0]

    def test_a_good_incoming_id_is_kept_and_answered(self):
        response, seen, record = self.run_middleware("3f2b6c1e-8d7a-4b2e-9c1d-0a1b2c3d4e5f")
        self.assertEqual(response[REQUEST_ID_HEADER], "3f2b6c1e-8d7a-4b2e-9c1d-0a1b2c3d4e5f")
        self.assertEqual(
            seen, {"request": response[REQUEST_ID_HEADER], "context": response[REQUEST_ID_HEADER]}
        )
        self.assertEqual(record.request_id, response[REQUEST_ID_HEADER])

    def test_without_an_incoming_id_one_is_generated(self):
        response, seen, record = self.run_middleware()
        self.assertRegex(response[REQUEST_ID_HEADER], GENERATED)
        self.assertEqual(record.request_id, response[REQUEST_ID_HEADER])

    def test_hostile_incoming_ids_are_replaced(self):
        for hostile in (
            "short",
            "x" * 65,
            "abc123456\nfake log line",
            "abcdefgh12345678\n",
            '"><script>alert(1)</script>',
            "abcdefgh 12345678",
            "abcdefgh_12345678",
            "",
        ):
            with self.subTest(hostile=hostile):
                response, seen, record = self.run_middleware(hostile)
                self.assertRegex(response[REQUEST_ID_HEADER], GENERATED)
                self.assertNotEqual(response[REQUEST_ID_HEADER], hostile)
                self.assertEqual(record.request_id, response[REQUEST_ID_HEADER])

    def test_the_id_does_not_leak_past_the_request(self):
        self.run_middleware("abcdefgh-12345678")
        self.assertIsNone(get_request_id())
        record = _record()
        RequestIdFilter().filter(record)
        self.assertEqual(record.request_id, "-")

    def test_django_request_records_get_the_id_of_their_request(self):
        request = RequestFactory().get("/")
        request.request_id = "abcdefgh-12345678"
        record = _record(request=request)
        RequestIdFilter().filter(record)
        self.assertEqual(record.request_id, "abcdefgh-12345678")
        self.assertEqual(json.loads(JsonFormatter().format(record))["request_id"], "abcdefgh-12345678")


class SiteRequestIdTests(TestCase):
    def test_every_response_of_the_site_has_the_header(self):
        from django.conf import settings

        if "core.request_id.RequestIdMiddleware" not in settings.MIDDLEWARE:
            self.skipTest("RequestIdMiddleware is not in settings.MIDDLEWARE yet")
        response = self.client.get("/accounts/login/", headers={"X-Request-ID": "abcdefgh-12345678"})
        self.assertEqual(response[REQUEST_ID_HEADER], "abcdefgh-12345678")
