"""core.widgets.quicken: every list's filter form draws the same HTML with the widgets written in Python
as with Django's widget templates, empty, filled and with errors."""

from django.test import TestCase
from django.utils import translation

from communications.filters import CommunicationFilter, TaskFilter, ThreadFilter
from communications.models import Communication, Task, Thread
from companies.visibility import Viewer
from contacts.filters import ContactFilter
from contacts.models import Contact
from core.widgets import quicken
from events.filters import EventFilter
from events.models import Event
from orders.filters import OrderFilter, ProductFilter
from orders.models import Order, Product
from partners.filters import PartnerAccountFilter
from partners.models import PartnerAccount
from receivables.filters import LetterFilter
from receivables.models import DunningLetter
from tests.factories import CompanyFactory, member

LISTS = [
    (CommunicationFilter, Communication, {"channel": "email", "created_from": "2026-12-01", "author": "x"}),
    (TaskFilter, Task, {"status": "new", "deadline_to": "2026-13-45", "q": '"><script>'}),
    (ThreadFilter, Thread, {"q": "Ár & <b>"}),
    (ContactFilter, Contact, {"q": "Kovács"}),
    (EventFilter, Event, {"partner": "Alfa"}),
    (OrderFilter, Order, {"total_min": "12.5", "date_from": "2026-01-01"}),
    (ProductFilter, Product, {}),
    (PartnerAccountFilter, PartnerAccount, {"q": "Béta", "owner": "999999"}),
    (LetterFilter, DunningLetter, {}),
]


class QuickWidgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.owner = member(cls.company, username="quick-one", first_name="Ö<b>", last_name='"Quoted"')
        member(cls.company, username="quick-two")

    def render(self, filter_class, model, data, quick: bool) -> str:
        names = filter_class.__init__.__code__.co_varnames
        kwargs = {"company": self.company} if "company" in names else {}
        if "viewer" in names:
            kwargs["viewer"] = Viewer.for_user(self.owner, self.company)
        filterset = filter_class(data or None, queryset=model.objects.none(), **kwargs)
        form = filterset.form
        if data:
            form.is_valid()
        if quick:
            quicken(form)
        return "".join(str(bound) for bound in form)

    def test_the_same_html_as_djangos_widgets(self):
        for language in ("en", "hu"):
            with translation.override(language):
                for filter_class, model, data in LISTS:
                    for filled in ({}, data):
                        with self.subTest(language=language, form=filter_class.__name__, data=filled):
                            plain = self.render(filter_class, model, filled, quick=False)
                            self.assertHTMLEqual(self.render(filter_class, model, filled, quick=True), plain)
                            self.assertIn("<", plain)

    def test_only_this_forms_widgets_change(self):
        first = TaskFilter(queryset=Task.objects.none(), company=self.company).form
        quicken(first)
        second = TaskFilter(queryset=Task.objects.none(), company=self.company).form
        self.assertNotEqual(type(first.fields["subject"].widget), type(second.fields["subject"].widget))
        self.assertEqual(type(TaskFilter.base_filters["subject"].field.widget).__name__, "TextInput")
