"""core.choices.ChoiceLabels gives exactly what Django's get_FOO_display gives, in every language."""

from django.apps import apps
from django.db import models
from django.utils import translation

from core.choices import ChoiceLabels


def choice_fields():
    for model in apps.get_models():
        if issubclass(model, ChoiceLabels):
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


def test_the_mixin_covers_the_list_page_models():
    names = {model.__name__ for model, _field in choice_fields()}
    assert {
        "Communication",
        "Task",
        "Event",
        "PartnerAccount",
        "Partner",
        "DunningLetter",
        "Contact",
    } <= names


def test_every_label_matches_django_in_every_language():
    checked = 0
    for language in ("en", "hu", "bg"):
        with translation.override(language):
            for model, field in choice_fields():
                values = [value for value, _label in field.flatchoices] + ["no-such-value", None]
                for value in values:
                    instance = model()
                    setattr(instance, field.attname, value)
                    ours = getattr(instance, f"get_{field.name}_display")()
                    django = models.Model._get_FIELD_display(instance, field)
                    assert ours == django, (model, field.name, value, language)
                    assert type(ours) is type(django)
                    checked += 1
    assert checked > 100


def test_labels_follow_the_active_language():
    from communications.models import Communication

    item = Communication(direction="in")
    with translation.override("en"):
        english = item.get_direction_display()
    with translation.override("hu"):
        hungarian = item.get_direction_display()
    assert english != hungarian
    assert english == "Incoming"
