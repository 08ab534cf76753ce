"""Shared by the benchmark scripts: Django setup, timing, peak memory, and the results table/JSON."""

import json
import os
import platform
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_project.settings")
    import django

    django.setup()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(results: dict, name: str):
    start = time.perf_counter()
    yield
    results[name] = round(time.perf_counter() - start, 3)


def report(name: str, figures: dict) -> None:
    figures = {
        **figures,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "machine": f"{platform.node()} {os.cpu_count()} cores",
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    width = max(len(key) for key in figures)
    print(f"\n{name}")
    for key, value in figures.items():
        print(f"  {key.ljust(width)}  {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str))
