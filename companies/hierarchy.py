"""The supervisor graph: its reads (companies/graph.py, re-exported here) and the edge writes.

See companies/graph.py and docs/adr/0001-supervisor-graph.md for how the graph is stored and walked.
"""

from django.db import transaction

from companies.graph import subordinate_ids, supervisor_ids, would_create_cycle
from companies.models import Company, SupervisorEdge, User

__all__ = [
    "HierarchyError",
    "subordinate_ids",
    "supervisor_edge_add",
    "supervisor_edge_remove",
    "supervisor_ids",
    "would_create_cycle",
]


class HierarchyError(Exception):
    pass


@transaction.atomic
def supervisor_edge_add(*, company: Company, supervisor: User, subordinate: User) -> SupervisorEdge:
    """Make `supervisor` supervise `subordinate`, refusing cycles even under concurrency.

    1. Lock the company row so two concurrent additions are checked one after the other.
    2. Validate (membership, no self-supervision, no cycle).
    3. Insert the edge (or return the existing one).
    """
    Company.objects.select_for_update().get(pk=company.pk)
    existing = SupervisorEdge.objects.filter(
        company=company, supervisor=supervisor, subordinate=subordinate
    ).first()
    if existing:
        return existing
    edge = SupervisorEdge(company=company, supervisor=supervisor, subordinate=subordinate)
    edge.full_clean(validate_unique=False)
    edge.save()
    return edge


def supervisor_edge_remove(*, edge: SupervisorEdge) -> None:
    edge.delete()
