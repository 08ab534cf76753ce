"""Form widgets that render in Python what Django renders through one template per option."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A select whose options are written in Python: the same HTML as ``forms.Select``, several times faster.

    Member pickers (owner, author, assignee) list every member of the company. ``forms.Select`` builds a
    context per option (attribute dictionaries deep-copied, then a template each), which for a hundred
    options was a tenth of a list page's time. One selected option at most, as ``forms.Select`` does;
    option groups are kept.
    """

    def render(self, name, value, attrs=None, renderer=None):
        wanted = {str(each) for each in self.format_value(value)}
        chosen = False

        def option(option_value, label) -> str:
            nonlocal chosen
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in wanted
            chosen = chosen or selected
            return (
                f'<option value="{conditional_escape(option_value)}"{" selected" if selected else ""}>'
                f"{conditional_escape(label)}</option>"
            )

        parts = []
        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                inner = "".join(option(value, label) for value, label in group_label)
                parts.append(f'<optgroup label="{conditional_escape(group_value)}">{inner}</optgroup>')
            else:
                parts.append(option(group_value, group_label))
        final_attrs = self.build_attrs(self.attrs, attrs)
        # Safe: every value and label above went through conditional_escape.
        options = mark_safe("".join(parts))  # noqa: S308
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)
