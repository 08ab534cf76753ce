"""core.widgets.QuickSelect writes the same HTML as Django's forms.Select."""

from django import forms
from django.test import SimpleTestCase, TestCase
from django.utils.translation import gettext_lazy

from core.widgets import QuickSelect
from tests.factories import UserFactory

HOSTILE = '"><script>alert(1)</script>&amp;'


class SameHtmlTests(SimpleTestCase):
    def assertSameAsDjango(self, choices, value, attrs=None):
        django = forms.Select(choices=choices).render("pick", value, attrs)
        ours = QuickSelect(choices=choices).render("pick", value, attrs)
        self.assertHTMLEqual(ours, django)
        return ours

    def test_plain_choices_with_and_without_a_selection(self):
        choices = [("", "Anyone"), ("1", "Ann"), ("2", "Bob")]
        for value in (None, "", "1", 2, "no-such"):
            with self.subTest(value=value):
                self.assertSameAsDjango(
                    choices, value, {"id": "id_pick", "required": True, "disabled": False}
                )

    def test_hostile_values_and_labels_are_escaped(self):
        html = self.assertSameAsDjango([(HOSTILE, HOSTILE), ("x", "<b>x</b>")], HOSTILE)
        self.assertNotIn("<script>", html)
        self.assertNotIn("<b>", html)

    def test_option_groups_and_lazy_labels(self):
        choices = [("", gettext_lazy("Anyone")), ("Team", [("1", "Ann"), ("2", "Bob")]), ("3", "Cy")]
        self.assertSameAsDjango(choices, "2")

    def test_only_the_first_equal_value_is_selected(self):
        html = self.assertSameAsDjango([("1", "first"), ("1", "again")], "1")
        self.assertEqual(html.count("selected"), 1)


class ModelChoiceTests(TestCase):
    def test_a_member_picker_renders_as_forms_select_does(self):
        users = [UserFactory(first_name=name, last_name="Kovács") for name in ("Ann", "Bob", HOSTILE)]
        queryset = type(users[0]).objects.filter(pk__in=[user.pk for user in users]).order_by("pk")
        theirs = forms.ModelChoiceField(queryset=queryset, empty_label="Anyone")
        ours = forms.ModelChoiceField(queryset=queryset, empty_label="Anyone", widget=QuickSelect)
        self.assertHTMLEqual(
            ours.widget.render("owner", users[1].pk, {"id": "id_owner"}),
            theirs.widget.render("owner", users[1].pk, {"id": "id_owner"}),
        )
