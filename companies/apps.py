from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies and organisation")

    def ready(self) -> None:
        from companies.access import connect_signals

        connect_signals()
