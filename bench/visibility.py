"""The subordinate lookup (companies.hierarchy.subordinate_ids) near the top and near the bottom of the graph.

    DATABASE_URL=postgres://.../crm_bench python bench/visibility.py --repeat 2000

The reference data (`manage.py generate_data --scale 1`) has a supervisor graph 12 levels deep with
diamonds. Times the lookup for a user with 2 levels below them and for the root (12 levels below),
interleaved so both see the same machine load. Target (issue 9): the two within 20% of each other.
"""

import argparse
import os
import statistics
import time

from _common import percentile, report, setup_django


def depth_below(graph: dict[int, set[int]], user_id: int) -> int:
    """How many levels lie below `user_id` (longest path, by breadth-first levels)."""
    depth, level, seen = 0, {user_id}, {user_id}
    while True:
        level = {child for parent in level for child in graph.get(parent, ())} - seen
        if not level:
            return depth
        seen |= level
        depth += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--company", default="gen-1")
    args = parser.parse_args()
    setup_django()
    from companies.hierarchy import subordinate_ids
    from companies.models import Company, SupervisorEdge

    company = Company.objects.get(code=args.company)
    graph: dict[int, set[int]] = {}
    for supervisor, subordinate in SupervisorEdge.objects.filter(company=company).values_list(
        "supervisor_id", "subordinate_id"
    ):
        graph.setdefault(supervisor, set()).add(subordinate)
    depths = {user_id: depth_below(graph, user_id) for user_id in graph}
    deep = max(depths, key=lambda user_id: (depths[user_id], user_id))
    shallow = max((user_id for user_id in depths if depths[user_id] == 2), key=lambda u: len(graph[u]))
    cases = {"depth 2": shallow, f"depth {depths[deep]}": deep}
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for user_id in cases.values():  # warm up: connection, plan cache
        subordinate_ids(user_id=user_id, company_id=company.pk)
    for _ in range(args.repeat):
        for name, user_id in cases.items():
            start = time.perf_counter()
            subordinate_ids(user_id=user_id, company_id=company.pk)
            timings[name].append((time.perf_counter() - start) * 1000)
    figures: dict = {"edges in company": sum(len(children) for children in graph.values())}
    for name, user_id in cases.items():
        below = subordinate_ids(user_id=user_id, company_id=company.pk)
        figures[f"{name}: people below"] = len(below)
        figures[f"{name}: p50 ms"] = round(statistics.median(timings[name]), 3)
        figures[f"{name}: p95 ms"] = round(percentile(timings[name], 95), 3)
        figures[f"{name}: mean ms"] = round(statistics.fmean(timings[name]), 3)
    low, high = (statistics.median(values) for values in timings.values())
    figures["p50 difference"] = f"{abs(high - low) / min(low, high) * 100:.1f} %"
    figures["within 20 %"] = abs(high - low) / min(low, high) <= 0.2
    figures["repeat"] = args.repeat
    figures["load average (1, 5, 15 min)"] = os.getloadavg()
    report("visibility", figures)


if __name__ == "__main__":
    main()
