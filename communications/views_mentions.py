# Placeholder so the URLconf imports while this module is being written; replaced by the real module.
from django.http import HttpResponse


def _pending(request, *args, **kwargs):
    return HttpResponse(status=503)


communication_list = communication_export = task_list = task_export = mention_search = _pending
