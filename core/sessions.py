"""Sessions read from the cache and written through to the database, tolerant of a cache outage.

Django's ``cached_db`` store saves one database query on every page. Its ``load`` and ``exists`` let a cache error
through, which would turn a Redis outage into an error page for everyone; here the database answers
instead and the error is logged. Logging in and out (``delete``) still fail while the cache is down: a
session left behind in the cache would outlive the logout.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDbStore):
    def load(self):
        try:
            return super().load()
        except Exception:
            logger.exception("Error reading the session cache (%s); reading the database", self._cache)
            session = self._get_session_from_db()
            return self.decode(session.session_data) if session else {}

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:
            logger.exception("Error reading the session cache (%s); reading the database", self._cache)
            return self.model.objects.filter(session_key=session_key).exists()
