from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from companies.list_toolbars import watch
        from contacts.models import ContactType

        watch(ContactType)  # the contact list's type picker
