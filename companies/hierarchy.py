"""The supervisor graph: who is below whom, at any depth, in one SQL query.

Design (see docs/adr/0001-supervisor-graph.md): the graph is stored as plain
edges (`SupervisorEdge`) per company and walked with a recursive CTE. One
query answers "everyone below X" whatever the depth or width, on PostgreSQL
and SQLite alike; `UNION` (not `UNION ALL`) removes diamonds and would stop
even on a cycle that slipped past the guards. A closure table would make
reads a plain index scan but every edge change would rewrite O(n^2) rows; at
a few hundred users per company the CTE is fast enough (see bench/).
"""

from django.db import connection, transaction

from companies.models import Company, SupervisorEdge, User

_EDGES = SupervisorEdge._meta.db_table

_BELOW_SQL = f"""
WITH RECURSIVE below(user_id) AS (
    SELECT subordinate_id FROM {_EDGES} WHERE company_id = %s AND supervisor_id = %s
    UNION
    SELECT e.subordinate_id FROM {_EDGES} e
    JOIN below b ON e.supervisor_id = b.user_id
    WHERE e.company_id = %s
)
SELECT user_id FROM below
"""

_ABOVE_SQL = f"""
WITH RECURSIVE above(user_id) AS (
    SELECT supervisor_id FROM {_EDGES} WHERE company_id = %s AND subordinate_id = %s
    UNION
    SELECT e.supervisor_id FROM {_EDGES} e
    JOIN above a ON e.subordinate_id = a.user_id
    WHERE e.company_id = %s
)
SELECT user_id FROM above
"""


def subordinate_ids(*, user_id: int, company_id: int) -> set[int]:
    """Ids of everyone `user_id` supervises in the company, at any depth (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_BELOW_SQL, [company_id, user_id, company_id])
        return {row[0] for row in cursor.fetchall()}


def supervisor_ids(*, user_id: int, company_id: int) -> set[int]:
    """Ids of everyone above `user_id` in the company, at any depth (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_ABOVE_SQL, [company_id, user_id, company_id])
        return {row[0] for row in cursor.fetchall()}


def would_create_cycle(*, company_id: int, supervisor_id: int, subordinate_id: int) -> bool:
    """True when making `supervisor_id` supervise `subordinate_id` closes a circle."""
    if supervisor_id == subordinate_id:
        return True
    return supervisor_id in subordinate_ids(user_id=subordinate_id, company_id=company_id)


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
