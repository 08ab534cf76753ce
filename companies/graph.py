"""The supervisor graph's reads: who is below whom, at any depth, in one SQL query.

Design (see docs/adr/0001-supervisor-graph.md): the graph is stored as plain
edges (`SupervisorEdge`) per company. A lookup reads the company's whole edge
list in one indexed query (a few hundred rows: a company has a few hundred
people) and walks it breadth-first in Python, so "everyone below X" costs the
same at depth 2 and at depth 12 (bench/visibility.py; a recursive CTE did one
join per level and took 65 % longer at depth 12). Visiting each person once
absorbs diamonds, and would stop even on a cycle that slipped past the guards.
Nothing is cached across requests, so an edge change counts from the next
request on; `Viewer` keeps the result for the rest of its request.
"""

from collections import defaultdict

from django.apps import apps
from django.db import connection


def _edges_sql() -> str:
    # Plain SQL: the ORM's per-row overhead would be most of the cost of a few hundred pairs. The model
    # is found by name: companies.models uses this module (SupervisorEdge.clean refuses cycles).
    table = apps.get_model("companies", "SupervisorEdge")._meta.db_table
    return f"SELECT supervisor_id, subordinate_id FROM {table} WHERE company_id = %s"


def _reachable(start: int, edges: dict[int, list[int]]) -> set[int]:
    """Everyone reachable from `start` along `edges`, `start` itself excluded unless on a cycle."""
    found: set[int] = set()
    frontier = [start]
    while frontier:
        step = []
        for node in frontier:
            for neighbour in edges.get(node, ()):
                if neighbour not in found:
                    found.add(neighbour)
                    step.append(neighbour)
        frontier = step
    found.discard(start)
    return found


def _company_edges(company_id: int, *, downwards: bool) -> dict[int, list[int]]:
    """The company's supervisor graph as adjacency lists, pointing down (or up) the hierarchy (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_edges_sql(), [company_id])
        pairs = cursor.fetchall()
    edges: dict[int, list[int]] = defaultdict(list)
    for supervisor, subordinate in pairs:
        if downwards:
            edges[supervisor].append(subordinate)
        else:
            edges[subordinate].append(supervisor)
    return edges


def subordinate_ids(*, user_id: int, company_id: int) -> set[int]:
    """Ids of everyone `user_id` supervises in the company, at any depth (one query)."""
    return _reachable(user_id, _company_edges(company_id, downwards=True))


def supervisor_ids(*, user_id: int, company_id: int) -> set[int]:
    """Ids of everyone above `user_id` in the company, at any depth (one query)."""
    return _reachable(user_id, _company_edges(company_id, downwards=False))


def would_create_cycle(*, company_id: int, supervisor_id: int, subordinate_id: int) -> bool:
    """True when making `supervisor_id` supervise `subordinate_id` closes a circle."""
    if supervisor_id == subordinate_id:
        return True
    return supervisor_id in subordinate_ids(user_id=subordinate_id, company_id=company_id)
