from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see every token (never the secret: only its hash is stored) and can revoke by action."""

    list_display = [
        "name",
        "user",
        "company",
        "prefix",
        "can_write",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["company", "can_write"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "company", "prefix", "created_at", "last_used_at", "revoked_at", "revoked_by"]
    fields = [
        "name",
        "user",
        "company",
        "prefix",
        "can_write",
        "expires_at",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # tokens are made on /api/tokens/, where the secret is shown once

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        from api.services import api_token_revoke

        for token in queryset:
            api_token_revoke(token=token, actor=request.user)
