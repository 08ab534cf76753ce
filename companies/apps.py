from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies and organisation")

    def ready(self) -> None:
        from django.contrib.auth.models import Group

        from companies.access import connect_signals
        from companies.list_toolbars import watch, watch_links
        from companies.models import Company, Department, Membership, SavedView, SupervisorEdge, User

        connect_signals()
        # The list toolbars' pickers, chips and saved views show these rows (companies.list_toolbars).
        watch(User, Membership, SupervisorEdge, SavedView, Department, Company, Group)
        watch_links(Membership.groups.through, Group.permissions.through)
