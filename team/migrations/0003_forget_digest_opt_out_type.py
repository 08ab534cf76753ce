"""DigestOptOut became DigestPreference (0002): forget the old model's content type and permissions, so
"team.view_team_activity" names one permission (the one on DigestPreference) on databases that had 0001."""

from django.db import migrations


def forget_opt_out(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    permissions = apps.get_model("auth", "Permission")
    old = content_types.objects.filter(app_label="team", model="digestoptout")
    permissions.objects.filter(content_type__in=old).delete()
    old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("team", "0002_digest_preference_outbox"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forget_opt_out, migrations.RunPython.noop)]
