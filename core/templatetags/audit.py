"""`{% object_history obj %}`: the audit trail of one record, for its page (see core.audit)."""

from django import template

from core.audit import history_for

register = template.Library()


@register.inclusion_tag("core/_history.html", takes_context=True)
def object_history(context, obj, limit: int = 50) -> dict:
    """The newest `limit` changes of `obj`; entries of another company than the active one are left out."""
    company = context.get("active_company")
    if company is None:
        company = getattr(context.get("request"), "company", None)
    return {"entries": history_for(obj, company=company, limit=limit)}
