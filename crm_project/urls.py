from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.i18n import JavaScriptCatalog

from core import views as core_views
from core.converters import IdConverter
from home import views as home_views
from ops.health import health

register_converter(IdConverter, "id")

urlpatterns = [
    path("", home_views.home, name="home"),
    path("health/", health, name="health"),
    path("favicon.ico", core_views.favicon),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("companies.urls")),
    path("partners/", include("partners.urls")),
    path("", include("contacts.urls")),
    path("", include("events.urls")),
    path("", include("communications.urls")),
    path("", include("orders.urls")),
    path("", include("receivables.urls")),
    path("anymail/", include("receivables.webhook_urls")),
    path("search/", include("search.urls")),
    path("team/", include("team.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("imports/", include("imports.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "CRM"
admin.site.site_title = "CRM"
