from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the periodic schedule and the commands that run the installation.

    It sits above core (plumbing) and below every domain app (docs/architecture.md, "Layers"). The jobs
    machinery, outbox, mail, health and backup still live in core for now (see the architecture note).
    No translated verbose_name yet: with no models, the name shows nowhere; it gets one (and its hu/bg
    translation) when JobRun/TaskFailure move here and the admin lists the app.
    """

    name = "ops"
    label = "ops"
