"""Benchmark: ONE wave of the demo organisation end to end, against igraph's exact betweenness.

Run: ``python3 dev.py bench wave --people 13000`` (= ``python -m scl_pipeline_tests.benchmarks
wave --people 13000``). Generates the demo organisation at that size into a temporary data lake,
runs ``program_job`` (the roster every wave reads), then executes the real ``wave_job`` of the
code location in process (``build_defs`` + the runner's ``run_job``, an ephemeral Dagster
instance, the in-process executor the code location sets), exactly as ``scl run`` does: every
wave asset and check from ingestion to marts. It prints, per step and per stage (asset group),
the wall time and the peak resident memory while it ran, then the yardstick: igraph's exact
betweenness on the undirected strong-tie graph of the same wave, timed in the same process, and
the ratio of the whole wave to it, in wall time and in CPU time (the fair comparison when other
work shares the machine). The yardstick's time is first estimated from the CPU time of a sample
of sources (betweenness is a sum over sources, each costing about the same); it is skipped, and
said so, when that estimate is over ``--yardstick-limit`` seconds (default ten minutes).

Peak memory per step comes from a sampler process that reads this process's current and peak
resident set size (``/proc/<pid>/status``: VmRSS, VmHWM) every 20 ms; without ``/proc`` only the
whole process's peak (``getrusage``) is shown.
"""

from __future__ import annotations

import argparse
import ast
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "yes")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import dagster as dg  # noqa: E402
import numpy as np  # noqa: E402

from scl_pipeline.cli_settings import parse_settings as cli_settings  # noqa: E402
from scl_pipeline.definitions import build_defs  # noqa: E402
from scl_pipeline.lib.demo import generate_demo_org  # noqa: E402
from scl_pipeline.lib.lake import DataLake  # noqa: E402
from scl_pipeline.lib.network.person_metrics import MetricsConfig, graph_betweenness  # noqa: E402
from scl_pipeline.lib.network.source_betweenness import MIN_PARALLEL_NODES, worker_count  # noqa: E402
from scl_pipeline.lib.network.wave_graphs import load_wave_snapshot  # noqa: E402
from scl_pipeline.lib.warehouse.connection import connect  # noqa: E402
from scl_pipeline.runner import QUIET, Step, _group_of_step, run_job, run_steps  # noqa: E402

YARDSTICK_LIMIT_SECONDS = 600.0
YARDSTICK_PROBE_SOURCES = 64
MIB = 1024 * 1024

# The sampler: prints "time rss_bytes hwm_bytes cpu_seconds" of the watched pid every 20 ms.
# rss adds the resident memory of its child processes (the betweenness workers), found by a scan
# of /proc every 0.5 s; cpu adds the CPU time of its children once they have ended (cutime, cstime).
_SAMPLER = """
import os, sys, time
pid = sys.argv[1]
status, stat = f"/proc/{pid}/status", f"/proc/{pid}/stat"
tick = os.sysconf("SC_CLK_TCK")
children, scanned = [], 0.0

def rss_of(path):
    for line in open(path):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0

def scan():
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and entry != str(os.getpid()):
            try:
                if open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1] == pid:
                    found.append(entry)
            except (OSError, IndexError):
                pass
    return found

while True:
    try:
        fields = dict(line.split(":", 1) for line in open(status))
        cpu = open(stat).read().rsplit(")", 1)[1].split()
    except (OSError, ValueError):
        break
    if time.time() - scanned > 0.5:
        children, scanned = scan(), time.time()
    child_rss = 0
    for child in children:
        try:
            child_rss += rss_of(f"/proc/{child}/status")
        except OSError:
            pass
    rss = int(fields["VmRSS"].split()[0]) * 1024 + child_rss
    hwm = int(fields["VmHWM"].split()[0]) * 1024
    print(f"{time.time():.3f} {rss} {hwm} {sum(int(x) for x in cpu[11:15]) / tick}", flush=True)
    time.sleep(0.02)
"""


class ProcessSampler:
    """Samples this process's resident memory and CPU time from a separate process (not blocked
    by the GIL while igraph or DuckDB hold it). ``peak(a, b)``: the highest resident set size
    (this process plus its worker processes) between wall-clock times ``a`` and ``b``;
    ``cpu(a, b)``: CPU seconds (all threads, user + system, and worker processes that ended)
    spent meanwhile; None without ``/proc``."""

    def __init__(self) -> None:
        self.samples = np.zeros((0, 4))
        self._file = tempfile.TemporaryFile(mode="w+")
        self._proc = None
        if Path(f"/proc/{os.getpid()}/status").exists():
            self._proc = subprocess.Popen([sys.executable, "-c", _SAMPLER, str(os.getpid())], stdout=self._file)

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        self._proc.wait()
        self._file.seek(0)
        rows = [line.split() for line in self._file.read().splitlines()]
        self.samples = np.array([[float(x) for x in row] for row in rows if len(row) == 4]).reshape(-1, 4)

    def peak(self, start: float, end: float) -> float | None:
        if not len(self.samples):
            return None
        t, rss, hwm, _ = self.samples.T
        inside = (t >= start) & (t <= end)
        best = rss[inside].max(initial=0.0)
        # VmHWM only rises: if it rose within the window, the window holds that high-water mark
        # (it catches a spike shorter than the 20 ms between samples).
        before = hwm[t < start].max(initial=0.0)
        after = hwm[t <= end + 0.05].max(initial=0.0)
        return max(best, after) if after > before else best or None

    def cpu(self, start: float, end: float) -> float | None:
        if not len(self.samples):
            return None
        t, cpu = self.samples[:, 0], self.samples[:, 3]
        # The last sample at or before each end: CPU time is cumulative.
        at = [cpu[max(int(np.searchsorted(t, x, side="right")) - 1, 0)] for x in (start, end)]
        return at[1] - at[0]


def _mib(value: float | None) -> str:
    return f"{value / MIB:8,.0f}" if value else f"{'-':>8}"


def print_table(rows: list[tuple[str, str, float, float | None, float | None]]) -> None:
    """Rows of (name, stage, wall seconds, CPU seconds, peak resident bytes)."""
    width = max(len(r[0]) for r in rows)
    stage_width = max(len(r[1]) for r in rows)
    print(f"{'step':<{width}}  {'stage':<{stage_width}}  {'wall s':>8}  {'cpu s':>8}  {'peak MiB':>8}")
    for name, stage, seconds, cpu, peak in rows:
        shown_cpu = f"{cpu:8.2f}" if cpu is not None else f"{'-':>8}"
        print(f"{name:<{width}}  {stage:<{stage_width}}  {seconds:8.2f}  {shown_cpu}  {_mib(peak)}")


def _stored_graph_u(lake: DataLake, wave: str):
    with connect(lake.warehouse_path, read_only=True) as con:
        return load_wave_snapshot(con, wave).graph_u


def yardstick(lake: DataLake, wave: str, limit: float) -> tuple[tuple[float, float] | None, float, int, int]:
    """((wall-clock start, end) of igraph's exact betweenness on the wave's U, or None if
    skipped; its estimated seconds; nodes; edges). U is the strong-tie undirected graph the
    person metrics use."""
    graph = _stored_graph_u(lake, wave)
    n, m = graph.vcount(), graph.ecount()
    probe = min(n, YARDSTICK_PROBE_SOURCES)
    sources = np.random.default_rng(0).choice(n, size=probe, replace=False).tolist()
    # CPU time, not wall time: igraph's betweenness is single-threaded, so its CPU time is what it
    # would take on a quiet machine; on a shared one the wall time can be several times more.
    began = time.process_time()
    graph.betweenness(sources=sources, directed=False)
    estimate = (time.process_time() - began) * n / max(probe, 1)
    if estimate > limit:
        return None, estimate, n, m
    began = time.time()
    graph.betweenness(directed=False)
    return (began, time.time()), estimate, n, m


def broker_agreement(lake: DataLake, wave: str, config: MetricsConfig, people: int,
                     tops: tuple[int, ...] = (10, 20, 100)) -> dict:
    """The sampled betweenness the pipeline uses above ``exact_betweenness_max_nodes``, checked
    against the exact value on a smaller sample graph of the same wave: the breadth-first ball of
    ``people`` people around its best-connected person (a connected piece of the real graph).
    Returns the share of the exact top-k brokers the estimate also ranks top-k, the largest
    error, and the Hoeffding bound the marts report for that sample size."""
    graph = _stored_graph_u(lake, wave)
    start = int(np.argmax(graph.degree()))
    sample = graph.induced_subgraph(graph.bfs(start)[0][:people])
    if sample.vcount() <= config.betweenness_samples:
        raise ValueError(f"a sample graph of {sample.vcount():,} people is no larger than the "
                         f"{config.betweenness_samples:,} sampled sources: nothing to compare")
    exact, _, _ = graph_betweenness(sample, replace(config, exact_betweenness_max_nodes=sample.vcount()))
    sampled, _, bound = graph_betweenness(sample, replace(config, exact_betweenness_max_nodes=0))
    rank_exact, rank_sampled = np.argsort(-exact, kind="stable"), np.argsort(-sampled, kind="stable")
    return {
        "nodes": sample.vcount(), "edges": sample.ecount(), "samples": config.betweenness_samples,
        "overlap": {k: len(set(rank_exact[:k]) & set(rank_sampled[:k])) / k for k in tops},
        "max_error": float(np.abs(exact - sampled).max()), "bound": bound,
        "top_exact": float(exact[rank_exact[0]]),
    }


def wave_facts(lake: DataLake, wave: str) -> dict:
    with connect(lake.warehouse_path, read_only=True) as con:
        rows = con.execute("select count(*) from raw.ona_survey where wave = $w", {"w": wave}).fetchone()[0]
        people, approx, bound = con.execute(
            "select count(*), bool_or(betweenness_approx), max(betweenness_error_bound) "
            "from marts.person_wave_metrics where wave = $w", {"w": wave},
        ).fetchone()
    return {"survey_rows": rows, "people": people, "approx": bool(approx), "bound": bound}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dev.py bench wave", description="One demo wave end to end, timed.")
    parser.add_argument("--people", type=int, default=13_000, help="size of the demo organisation (>= 1000)")
    parser.add_argument("--wave", default=None, help="the wave to run (default: the demo's baseline wave)")
    parser.add_argument("--last-wave", default="2021-Q2",
                        help="generate waves 2020-Q4 .. this one (default 2021-Q2: 3 waves, the fewest the "
                             "demo's story allows; the benchmark runs one of them)")
    parser.add_argument("--yardstick-limit", type=float, default=YARDSTICK_LIMIT_SECONDS,
                        help="skip the yardstick when its estimated time exceeds this many seconds")
    parser.add_argument("--exact", action="store_true",
                        help="exact betweenness at every size (sets metrics.exact_betweenness_max_nodes)")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="RESOURCE.FIELD=VALUE",
                        help="override a setting of the code location, e.g. metrics.betweenness_workers=1 "
                             "(repeatable)")
    parser.add_argument("--agreement-people", type=int, default=10_000,
                        help="when betweenness is sampled: size of the sample graph on which the estimate's "
                             "top brokers are checked against the exact computation (0: skip)")
    parser.add_argument("--lake", type=Path, default=None,
                        help="keep the generated data lake here (default: a temporary folder, deleted)")
    args = parser.parse_args(argv)
    if args.people < 1000:
        parser.error(f"--people {args.people}: the demo organisation needs at least 1000 people")
    try:
        args.settings = parse_settings(args.settings, exact=args.exact)
    except ValueError as exc:
        parser.error(str(exc))
    return args


def parse_settings(assignments: list[str], exact: bool = False) -> dict[str, dict[str, object]] | None:
    """``["metrics.betweenness_workers=1"]`` -> ``{"metrics": {"betweenness_workers": 1}}`` for
    ``build_defs``: parsed as ``scl run --set`` parses (``cli_settings.parse_settings``), values then read as
    Python literals (numbers, True/False) or else kept as strings, since the benchmark also hands
    them to the library's configs, which do not convert text. ``exact`` adds
    ``metrics.exact_betweenness_max_nodes`` = 10**9."""
    settings: dict[str, dict[str, object]] = {"metrics": {"exact_betweenness_max_nodes": 10**9}} if exact else {}
    for resource, fields in cli_settings(assignments).items():
        for field, text in fields.items():
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                value = text
            settings.setdefault(resource, {})[field] = value
    return settings or None


def run(args: argparse.Namespace) -> dict:
    """Run the benchmark, print its tables and return its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        lake = DataLake(args.lake or Path(tmp) / "lake")
        began = time.perf_counter()
        truth = generate_demo_org(lake.landing, people=args.people, last_wave=args.last_wave)
        generated = time.perf_counter() - began
        wave = args.wave or truth.baseline_wave
        settings = args.settings
        defs = build_defs(lake.root, allow_demo_key=True, settings=settings)
        groups = _group_of_step(defs)
        sampler = ProcessSampler()
        try:
            instance = dg.DagsterInstance.ephemeral()
            program = run_job(defs, "program_job", None, instance, groups)
            began, wall_start = time.perf_counter(), time.time()
            outcomes = run_job(defs, "wave_job", wave, instance, groups)
            wave_seconds, wall_end = time.perf_counter() - began, time.time()
            run_id = instance.get_runs(limit=1)[0].run_id
            steps = run_steps(instance, run_id, groups)
            failed = [o for o in program + outcomes if not o.success]
            if failed:
                raise SystemExit("benchmark run failed: " + "; ".join(f"{o.stage}: {o.error}" for o in failed))
            facts = wave_facts(lake, wave)
            yard_window, yard_estimate, n, m = yardstick(lake, wave, args.yardstick_limit)
            agreement = None
            if facts["approx"] and args.agreement_people:
                metrics = MetricsConfig(**(settings or {}).get("metrics", {}))
                agreement = broker_agreement(lake, wave, metrics, args.agreement_people)
        finally:
            sampler.stop()

    rows = [(s.key, s.stage, s.end - s.start, sampler.cpu(s.start, s.end), sampler.peak(s.start, s.end))
            for s in steps]
    stages: dict[str, list[Step]] = {}
    for s in steps:
        stages.setdefault(s.stage, []).append(s)
    stage_rows = [
        (name, "", sum(s.end - s.start for s in members),
         sum(c for s in members if (c := sampler.cpu(s.start, s.end)) is not None),
         max((p for s in members if (p := sampler.peak(s.start, s.end))), default=None))
        for name, members in stages.items()
    ]
    overhead = wave_seconds - sum(s.end - s.start for s in steps)
    whole_peak = sampler.peak(wall_start, wall_end)
    wave_cpu = sampler.cpu(wall_start, wall_end)
    process_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB

    print(f"\nwave {wave} of the demo organisation: {facts['people']:,} people, {facts['survey_rows']:,} survey "
          f"rows, strong-tie graph U: {n:,} nodes, {m:,} edges (generated in {generated:.1f} s, "
          f"{len(truth.waves)} waves)")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end (other work "
          f"shares the cores: cpu s is this process's CPU time, all threads, plus its betweenness workers)")
    workers = worker_count(MetricsConfig(**(settings or {}).get("metrics", {})).betweenness_workers)
    print(f"settings: {settings or 'the defaults'}; betweenness on {workers} process{'es' if workers > 1 else ''} "
          f"(metrics.betweenness_workers; in process under {MIN_PARALLEL_NODES:,} people)\n")
    print_table(rows)
    print()
    print_table([*stage_rows, ("dagster overhead (run start, between steps)", "", overhead, None, None),
                 ("WHOLE WAVE (wave_job wall clock)", "", wave_seconds, wave_cpu, whole_peak)])
    print(f"\npeak resident memory of the process (getrusage): {process_peak / MIB:,.0f} MiB")
    if facts["approx"]:
        print(f"betweenness: SAMPLED (above metrics.exact_betweenness_max_nodes); every person's value within "
              f"+/-{facts['bound']:.2e} of the exact normalised value with 95% confidence (Hoeffding bound)")
    else:
        print("betweenness: exact")
    if agreement:
        overlap = ", ".join(f"top {k}: {share:.0%}" for k, share in agreement["overlap"].items())
        print(f"sampled vs exact betweenness on a sample graph of the same wave ({agreement['nodes']:,} people, "
              f"{agreement['edges']:,} edges, breadth-first from the best-connected person; "
              f"{agreement['samples']:,} sampled sources): exact top brokers also ranked top by the estimate: "
              f"{overlap}; largest error {agreement['max_error']:.2e} (bound {agreement['bound']:.2e}; "
              f"highest exact value {agreement['top_exact']:.2e})")
    yard_seconds = ratio = cpu_ratio = None
    if yard_window is None:
        print(f"yardstick (igraph exact betweenness on U): SKIPPED, estimated {yard_estimate:,.0f} s "
              f"> {args.yardstick_limit:,.0f} s (CPU time of {YARDSTICK_PROBE_SOURCES} sampled sources, scaled)")
    else:
        yard_seconds = yard_window[1] - yard_window[0]
        yard_cpu = sampler.cpu(*yard_window)
        ratio = wave_seconds / yard_seconds
        print(f"yardstick (igraph exact betweenness on U): {yard_seconds:.2f} s wall"
              f"{f', {yard_cpu:.2f} s cpu' if yard_cpu is not None else ''} (estimated {yard_estimate:.1f} s), "
              f"peak {_mib(sampler.peak(*yard_window)).strip()} MiB")
        print(f"ratio whole wave / yardstick: {ratio:.2f} (wall)", end="")
        if yard_cpu and wave_cpu is not None:
            cpu_ratio = wave_cpu / yard_cpu
            print(f", {cpu_ratio:.2f} (cpu)", end="")
        print()
    return {
        "wave": wave, "people": facts["people"], "survey_rows": facts["survey_rows"], "nodes": n, "edges": m,
        "steps": {r[0]: r[2] for r in rows}, "stages": {r[0]: r[2] for r in stage_rows},
        "wave_seconds": wave_seconds, "peak_bytes": whole_peak, "yardstick_seconds": yard_seconds,
        "yardstick_estimate": yard_estimate, "ratio": ratio, "cpu_ratio": cpu_ratio, "betweenness_approx": facts["approx"],
        "agreement": agreement,
    }


def main(argv: list[str] | None = None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
