import pytest


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.LANGUAGE_CODE = "en"
    # Pages are asserted in English: the company's language as the default (crm_project/language.py)
    # is on only where a test turns it on (tests/test_company_language.py, the browser layout tests).
    settings.LANGUAGE_FOLLOWS_COMPANY = False
    import tempfile

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="crm-test-media-")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_time_zone():
    """A request of a Sofia company leaves its zone active in this thread; the next test starts clean."""
    from django.utils import timezone

    timezone.deactivate()
    yield
    timezone.deactivate()


@pytest.fixture(autouse=True)
def _default_language():
    """A Hungarian request leaves its language active in this thread (the locale middleware activates it
    and only the next request changes it); the next test starts in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
