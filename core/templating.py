"""Admin-editable texts that are Django templates (letter and notice templates)."""

from django.core.exceptions import ValidationError
from django.template import Template, TemplateSyntaxError
from django.utils.translation import gettext as _


def check_templates_compile(instance, *field_names: str) -> None:
    """Refuse a template that does not compile next to its field, not when a letter or notice is due."""
    errors = {}
    for name in field_names:
        try:
            Template(getattr(instance, name) or "")
        except TemplateSyntaxError as error:
            errors[name] = _("This template has an error: %(error)s") % {"error": error}
    if errors:
        raise ValidationError(errors)
