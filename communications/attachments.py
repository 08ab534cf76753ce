"""Attachments: checked on the way in (size, type), stored under MEDIA_ROOT with random names, and
handed out only through an access-checked view, always as a download."""

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from communications.models import Attachment


def validate_upload(upload) -> None:
    """Refuse files that are too big or of a type the settings do not allow, saying which and why."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_big",
        )
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    allowed = settings.ATTACHMENT_ALLOWED_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            _("“%(name)s”: files of type .%(extension)s are not allowed. Allowed: %(allowed)s.")
            % {"name": upload.name, "extension": extension or "?", "allowed": ", ".join(sorted(allowed))},
            code="type_not_allowed",
        )


def attachments_add(*, thread, files, user, communication=None, task=None) -> list[Attachment]:
    saved = []
    for upload in files or ():
        validate_upload(upload)
        attachment = Attachment(
            company_id=thread.company_id,
            thread=thread,
            communication=communication,
            task=task,
            original_name=PurePath(upload.name).name[:255],
            size=upload.size,
            content_type=(mimetypes.guess_type(upload.name)[0] or "application/octet-stream")[:100],
            uploaded_by=user,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved
