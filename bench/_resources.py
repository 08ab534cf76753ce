"""Memory and CPU of the load test's process trees (bench/load.py), sampled with psutil.

A component is a process tree: gunicorn master + workers, Celery worker + pool, beat, the PostgreSQL
server (postmaster, auxiliary processes, this database's backends), the Redis server. Memory: RSS and
PSS summed per component. CPU: user + system time of every process seen, so the stack's share of the
machine can be told from other people's work on a shared machine.
"""

import os
import subprocess
import threading
import time

import psutil

COMPONENTS = ("gunicorn", "celery worker", "celery beat", "postgresql", "redis")


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _postgres_processes(database: str) -> tuple[list[psutil.Process], list[psutil.Process]]:
    """(the server as the CRM would have it: postmaster, auxiliary processes, our backends; other
    databases' backends). A backend's title is "postgres: 15/main: USER DATABASE HOST STATE"."""
    postmasters = [
        p
        for p in psutil.process_iter(["name", "ppid"])
        if p.info["name"] == "postgres" and _name(p.info["ppid"]) != "postgres"
    ]
    ours, others = [], []
    for postmaster in postmasters:
        ours.append(postmaster)
        for child in postmaster.children():
            try:
                title = " ".join(child.cmdline())
            except psutil.Error:
                continue
            words = title.split(": ", 2)[-1].split()
            is_backend = len(words) >= 3 and ("(" in words[2] or words[2] == "[local]")
            (others if is_backend and words[1] != database else ours).append(child)
    return ours, others


def _name(pid: int) -> str:
    try:
        return psutil.Process(pid).name()
    except psutil.Error:
        return ""


def _redis_processes(port: int) -> list[psutil.Process]:
    return [
        p
        for p in psutil.process_iter(["name", "cmdline"])
        if p.info["name"] == "redis-server" and f":{port}" in " ".join(p.info["cmdline"] or [])
    ]


class Sampler(threading.Thread):
    """Every `interval` seconds: RSS and PSS per component (summed over its processes), and the CPU
    time of every process seen, so the run's own CPU use can be told from other people's."""

    def __init__(
        self, processes: dict[str, subprocess.Popen], database: str, redis_port: int, interval: float
    ):
        super().__init__(daemon=True)
        self.processes, self.database, self.redis_port, self.interval = (
            processes,
            database,
            redis_port,
            interval,
        )
        self.stopping = threading.Event()
        self.peak_rss: dict[str, float] = dict.fromkeys((*COMPONENTS, "locust", "other databases"), 0.0)
        self.peak_pss: dict[str, float] = dict.fromkeys(self.peak_rss, 0.0)
        self.peak_total_rss = self.peak_total_pss = 0.0
        self.samples = 0
        self.cpu_first: dict[int, float] = {}
        self.cpu_last: dict[int, float] = {}
        self.component_of: dict[int, str] = {}
        self.loads: list[float] = []
        # (time, CPU seconds so far per component and locust, busy CPU seconds of the machine so far)
        self.history: list[tuple[float, dict[str, float], float]] = []

    def components(self) -> dict[str, list[psutil.Process]]:
        postgres, other_databases = _postgres_processes(self.database)
        found = {
            name: _tree(self.processes[name].pid) for name in ("gunicorn", "celery worker", "celery beat")
        }
        found |= {"postgresql": postgres, "redis": _redis_processes(self.redis_port)}
        found["locust"] = _tree(self.processes["locust"].pid) if "locust" in self.processes else []
        found["other databases"] = other_databases
        return found

    def sample(self) -> None:
        rss_total = pss_total = 0.0
        for name, processes in self.components().items():
            rss = pss = 0.0
            for process in processes:
                try:
                    memory = process.memory_full_info()
                    cpu = process.cpu_times()
                except psutil.Error:
                    continue
                rss += memory.rss / 2**20
                pss += memory.pss / 2**20
                if name in COMPONENTS or name == "locust":
                    self.cpu_first.setdefault(process.pid, cpu.user + cpu.system)
                    self.cpu_last[process.pid] = cpu.user + cpu.system
                    self.component_of[process.pid] = name
            self.peak_rss[name] = max(self.peak_rss[name], rss)
            self.peak_pss[name] = max(self.peak_pss[name], pss)
            if name in COMPONENTS:
                rss_total += rss
                pss_total += pss
        self.peak_total_rss = max(self.peak_total_rss, rss_total)
        self.peak_total_pss = max(self.peak_total_pss, pss_total)
        self.loads.append(os.getloadavg()[0])
        machine = psutil.cpu_times()
        used = dict.fromkeys((*COMPONENTS, "locust"), 0.0)
        for pid, last in self.cpu_last.items():
            used[self.component_of[pid]] += last - self.cpu_first[pid]
        busy = sum(machine) - machine.idle - machine.iowait
        self.history.append((time.time(), used, busy))
        self.samples += 1

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()

    def cpu_between(self, start: float) -> dict[str, float]:
        """Cores used from the first sample at or after `start` to the last sample: per component, by the
        stack (the five components), by locust, by the whole machine and by everything else (other
        people's work on a shared machine)."""
        first = next((row for row in self.history if row[0] >= start), self.history[0])
        last = self.history[-1]
        seconds = max(last[0] - first[0], 1e-9)
        cores = {name: (last[1][name] - first[1][name]) / seconds for name in last[1]}
        cores["stack"] = sum(cores[name] for name in COMPONENTS)
        cores["machine"] = (last[2] - first[2]) / seconds
        cores["others"] = max(cores["machine"] - cores["stack"] - cores["locust"], 0.0)
        cores["seconds"] = seconds
        return cores
