"""A member's language defaults to their company's until they choose one (issue 18).

Django's ``LocaleMiddleware`` picks the language from the language cookie, else the browser's
``Accept-Language``. A Hungarian salesperson's browser often says English (``en-US``), so the CRM
opened in English with no choice made. Here, after the active company is known:

1. a member who chose a language (the language switcher: Django's ``set_language`` sets the cookie,
   and this middleware also remembers the choice on the user row, so it follows them to another
   browser) gets that language;
2. anyone else gets the active company's language (``Company.language``);
3. a visitor who is not logged in keeps what ``LocaleMiddleware`` chose (cookie, then browser).

Formats follow the active language's format module (``crm_project/formats``): English is day-first
with the 24-hour clock for our companies, Hungarian year-first, Bulgarian day-first with dots.
``LANGUAGE_FOLLOWS_COMPANY = False`` (environment) turns the default off: everyone then gets what
``LocaleMiddleware`` chose. The test suite runs with it off (its pages are asserted in English),
except the tests of this module, which turn it on. Reading the remembered choice costs no query (the user row is loaded for every request); the
switcher costs one UPDATE when the choice changes.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from companies.models import User

#: Where the choice is kept on the user row (``User.list_preferences``, a JSON of per-user choices).
PREFERENCE_KEY = "language"
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def chosen_language(user) -> str | None:
    """The language the user picked with the switcher, if any."""
    preferences = getattr(user, "list_preferences", None)
    value = preferences.get(PREFERENCE_KEY) if isinstance(preferences, dict) else None
    return value if value in LANGUAGE_CODES else None


def remember_language(user: User, language: str) -> None:
    """Keep the switcher's choice on the user row (one UPDATE, only when it changes)."""
    if language not in LANGUAGE_CODES or chosen_language(user) == language:
        return
    preferences = user.list_preferences if isinstance(user.list_preferences, dict) else {}
    user.list_preferences = {**preferences, PREFERENCE_KEY: language}
    User.objects.filter(pk=user.pk).update(list_preferences=user.list_preferences)


def language_for(request: HttpRequest) -> str | None:
    """The language this request should use, or None to keep LocaleMiddleware's choice."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in LANGUAGE_CODES:
        return None  # chosen in this browser: LocaleMiddleware already activated it
    remembered = chosen_language(user)
    if remembered:
        return remembered
    company = getattr(request, "company", None)
    if company is not None and company.language in LANGUAGE_CODES:
        return company.language
    return None


class CompanyLanguageMiddleware:
    """After ``ActiveCompanyMiddleware``: the company's language until the member chooses one."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.switcher_path = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(settings, "LANGUAGE_FOLLOWS_COMPANY", True):
            return self.get_response(request)
        if self.switcher_path is None:
            self.switcher_path = reverse("set_language")
        user = getattr(request, "user", None)
        if request.method == "POST" and request.path_info == self.switcher_path:
            if user is not None and user.is_authenticated:
                remember_language(user, request.POST.get("language", ""))
            return self.get_response(request)
        language = language_for(request)
        if not language or language == request.LANGUAGE_CODE:
            return self.get_response(request)
        before = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)  # LocaleMiddleware keeps it
        if not response.streaming:  # a streamed export renders its rows after this returns
            translation.activate(before)
        return response
