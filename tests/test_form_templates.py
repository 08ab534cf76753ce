"""Forms rendered with {{ form }}: an error summary on top, the error next to its field, required
fields marked, help text linked to the field (templates/django/forms/, issue 18)."""

from django import forms
from django.template import Context, Template
from django.test import SimpleTestCase


class OrderForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the invoice.")
    note = forms.CharField(label="Note", required=False)
    agree = forms.BooleanField(label="I agree")


def render(form) -> str:
    return Template("{{ form }}").render(Context({"form": form}))


class FormTemplateTests(SimpleTestCase):
    def test_a_valid_looking_form_marks_required_fields_and_links_help_text(self):
        html = render(OrderForm())
        self.assertNotIn("error-summary", html)
        self.assertInHTML(
            '<label for="id_name">Name<span class="required-marker" aria-hidden="true">*</span></label>', html
        )
        self.assertInHTML('<label for="id_note">Note</label>', html)  # optional: no marker
        self.assertIn('<small class="helptext" id="id_name_helptext">As on the invoice.</small>', html)
        self.assertIn('aria-describedby="id_name_helptext"', html)

    def test_errors_are_summarised_on_top_with_links_and_repeated_next_to_the_field(self):
        form = OrderForm(data={"name": "", "note": "kept"})
        html = render(form)
        summary = html.split('<div class="error-summary"')[1].split("</div>")[0]
        self.assertIn('role="alert"', summary)
        self.assertIn("There are 2 problems", summary)
        self.assertIn('<a href="#id_name">Name: This field is required.</a>', summary)
        self.assertIn('<a href="#id_agree">I agree: This field is required.</a>', summary)
        field = html.split('<div class="form-field has-error')[1]
        self.assertIn('id="id_name_error"', field)
        self.assertIn('aria-invalid="true"', field)
        self.assertIn('value="kept"', html)  # nothing typed is lost
        # The summary comes before the first field.
        self.assertLess(html.index("error-summary"), html.index('for="id_name"'))
