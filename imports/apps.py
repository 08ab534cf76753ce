from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Import of partners and contacts from spreadsheets (CSV/XLSX wizard, background job)."""

    name = "imports"
    verbose_name = _("Imports")
