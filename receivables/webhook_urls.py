"""Only the tracking webhooks of the ESPs in use (settings.ANYMAIL_TRACKING_ESPS), not every ESP anymail
knows: an unconfigured ESP's endpoint would only answer configuration errors."""

from anymail.urls import urlpatterns as all_patterns
from django.conf import settings

app_name = "anymail"

urlpatterns = [
    pattern
    for pattern in all_patterns
    if pattern.name in {f"{esp}_tracking_webhook" for esp in settings.ANYMAIL_TRACKING_ESPS}
]
