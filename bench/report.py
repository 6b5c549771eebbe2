"""Ratios between figures, the goals with pass/fail, and the results table printed on stdout."""

from __future__ import annotations

from dataclasses import dataclass

from bench.service_load import SCENARIOS

AUDIT_CORES = 2  # the audit's default --jobs; the floor it is compared with is jieba on that many cores
BUSY_WARNING = 0.05  # background load above this share of all cores is called out
LATENCY_SLACK = 1.05  # latency sum over connection-time above this cannot be true for a closed loop


def figure(results: dict, path: str):
    """The value at a dotted path of `results`, or None when that measurement is missing."""
    value = results
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def ratios(results: dict) -> dict:
    def share(part, whole):
        return part / whole if part is not None and whole else None

    audit = figure(results, "audit.jobs_2.replies_per_s")
    floor = figure(results, "tokeniser.jieba_replies_per_s")
    two_core_floor = AUDIT_CORES * floor if floor else None
    return {
        "two_core_floor_replies_per_s": two_core_floor,
        "audit_vs_two_core_floor": share(audit, two_core_floor),
        "service_vs_noop": share(figure(results, "service.tone.single_c16.replies_per_s"),
                                 figure(results, "service.noop.single_c16.replies_per_s")),
        "audit_vs_snownlp": share(audit, figure(results, "peers.snownlp.replies_per_s")),
    }


@dataclass(frozen=True)
class Goal:
    path: str
    at_least: bool  # True: value >= target; False: value <= target
    target: float
    text: str

    def passed(self, results: dict) -> bool | None:
        value = figure(results, self.path)
        if value is None:
            return None
        return value >= self.target if self.at_least else value <= self.target


GOALS = {
    "audit_throughput": Goal("audit.jobs_2.replies_per_s", True, 15_000, ">= 15,000 replies/s"),
    "audit_memory": Goal("audit.jobs_2.peak_tree_pss_mb", False, 1024, "<= 1 GB"),
    "audit_vs_floor": Goal("ratios.audit_vs_two_core_floor", True, 0.60, ">= 60% of the floor"),
    "service_p99_c1": Goal("service.tone.single_c1.p99_ms", False, 5.0, "p99 <= 5 ms"),
    "service_c16": Goal("service.tone.single_c16.replies_per_s", True, 1500, ">= 1,500 replies/s"),
    "service_vs_noop": Goal("ratios.service_vs_noop", True, 0.70, ">= 70% of do-nothing"),
    "batch64": Goal("service.tone.batch64_c4.replies_per_s", True, 6000, ">= 6,000 replies/s"),
    "service_pss": Goal("service.tone.pss_mb", False, 400, "<= 400 MB"),
    "audit_vs_snownlp": Goal("ratios.audit_vs_snownlp", True, 50, ">= 50x"),
}


def goal_results(results: dict) -> dict:
    return {key: {"figure": g.path, "value": figure(results, g.path), "goal": g.text, "passed": g.passed(results)}
            for key, g in GOALS.items()}


Row = tuple[str, str, tuple[str, ...]]  # label, value, goal keys


def table(results: dict) -> str:
    """The whole report as plain text: header, one section per measurement, goals met, errors."""
    m, run = results["machine"], results["run"]
    lines = [
        f"make bench ({run['plan']}) {m['date']}",
        f"machine    {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Linux {m['kernel']}; Python {m['python']}",
        "libraries  " + ", ".join(f"{k} {v}" for k, v in m["libraries"].items()),
        f"model      {run['model']} (version {run['model_version']}); code {m['git_commit']}",
        f"input      {run['corpus']}",
    ]
    busiest = max(results.get("background_cpu_share", {}).values(), default=0.0)
    if busiest > BUSY_WARNING:
        lines.append(f"warning    other processes used up to {busiest:.0%} of the CPU during this run (see each "
                     f"section's background load): figures are lower than on a quiet machine")
    width_label, width_value = 50, 58
    for title, rows in _sections(results):
        lines += ["", title]
        for label, value, goals in rows:
            marks = "; ".join(f"{GOALS[g].text} {_mark(GOALS[g].passed(results))}" for g in goals)
            lines.append(f"  {label:<{width_label}}{value:<{width_value}}{marks}".rstrip())
    met = [g["passed"] for g in results["goals"].values()]
    lines += ["", f"goals met: {sum(p is True for p in met)} of {len(met)}"
                  + (f" ({sum(p is None for p in met)} not measured)" if None in met else "")]
    for section, message in results.get("errors", {}).items():
        lines.append(f"error in {section}: {message}")
    return "\n".join(lines)


def _mark(passed: bool | None) -> str:
    return "n/a" if passed is None else "pass" if passed else "FAIL"


def _num(value, spec: str = ",.0f", unit: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{unit}"


def _sections(r: dict) -> list[tuple[str, list[Row]]]:
    def f(path: str):
        return figure(r, path)

    def rate(path: str) -> str:
        return _num(f(path), unit=" replies/s")

    def busy(*names: str) -> str:
        shares = [s for s in (f(f"background_cpu_share.{n}") for n in names) if s is not None]
        return f"  [background load {max(shares):.0%}]" if shares else ""

    stages = "model.stages."
    return [
        (f"1. Tokenisation floor, one core ({_num(f('tokeniser.replies'))} replies){busy('tokeniser')}", [
            ("jieba lcut, HMM off (the floor)", rate("tokeniser.jieba_replies_per_s"), ()),
            ("project tokenise, uncached", rate("tokeniser.project_replies_per_s"), ()),
            ("two-core floor (2 x jieba)", rate("ratios.two_core_floor_replies_per_s"), ()),
        ]),
        (f"2. Model only, in process, one core ({_num(f('model.replies'))} replies, cold caches){busy('model')}", [
            ("predict, batch 1", rate("model.batch_1"), ()),
            ("predict, batch 64", rate("model.batch_64"), ()),
            ("predict, batch 1024", rate("model.batch_1024"), ()),
            (f"repeated templates, warm caches ({_num(f('model.templates_warm.distinct'))} replies)",
             rate("model.templates_warm.replies_per_s"), ()),
            ("time share: tokenise / vectorise / classifier",
             f"{_num(f(stages + 'tokenise'), '.0%')} / {_num(f(stages + 'vectorise'), '.0%')} / "
             f"{_num(f(stages + 'classifier'), '.0%')}", ()),
            ("  classifier: probabilities / labels+evidence",
             f"{_num(f(stages + 'probabilities'), '.1%')} / {_num(f(stages + 'labels_evidence'), '.1%')}", ()),
        ]),
        (f"3. Service over HTTP: gunicorn as `make serve`, 2 workers; {f('service.load_generator') or ''}{busy('service')}",
         _service_rows(r)),
        (f"4. Audit end to end ({_num(f('audit.messages'))} messages, {_num(f('audit.input_mb'), '.0f', ' MB')} CSV, "
         f"{_num(f('audit.distinct_agent_texts'))} distinct agent texts){busy('audit')}",
         [row for run in ("jobs_1", "jobs_2", "spark_local_2") if figure(r, f"audit.{run}")
          for row in _audit_rows(r, run)]),
        (f"5. make train and model loading{busy('training', 'loading')}", [
            (f"make train (folds: {f('training.folds')})",
             f"{_num(f('training.seconds'), '.1f', ' s')}, peak RSS {_num(f('training.peak_rss_mb'), '.0f', ' MB')}", ()),
            ("fresh process: import / load_model / 1st predict",
             f"{_num(f('loading.import_seconds'), '.2f')} / {_num(f('loading.load_seconds'), '.2f')} / "
             f"{_num(f('loading.first_predict_seconds'), '.2f', ' s')}", ()),
            ("model size: model.joblib / directory",
             f"{_num(f('loading.model_joblib_mb'), '.2f')} / {_num(f('loading.directory_mb'), '.2f', ' MB')}", ()),
        ]),
        (f"6. Peers on the same replies, one core{busy('peers')}", [
            (f"SnowNLP sentiment ({_num(f('peers.snownlp.replies'))} replies)", rate("peers.snownlp.replies_per_s"), ()),
            (f"keyword rules ({_num(f('peers.keyword_rules.replies'))} replies)",
             rate("peers.keyword_rules.replies_per_s"), ()),
        ]),
        ("7. Ratios", [
            ("audit (jobs 2) / two-core tokeniser floor", _num(f("ratios.audit_vs_two_core_floor"), ".0%"),
             ("audit_vs_floor",)),
            ("service 16 clients / do-nothing endpoint", _num(f("ratios.service_vs_noop"), ".0%"),
             ("service_vs_noop",)),
            ("audit (jobs 2) / SnowNLP", _num(f("ratios.audit_vs_snownlp"), ".1f", "x"), ("audit_vs_snownlp",)),
        ]),
    ]


_SCENARIO_GOALS = {("tone", "single_c1"): ("service_p99_c1",), ("tone", "single_c16"): ("service_c16",),
                   ("tone", "batch64_c4"): ("batch64",)}
_SCENARIO_LABELS = {"single_c1": "single reply, 1 connection", "single_c16": "single reply, 16 connections",
                    "batch64_c4": "batches of 64, 4 connections",
                    "distinct_c16": "single, 16 conn., every corpus reply once"}


def _service_rows(r: dict) -> list[Row]:
    rows: list[Row] = []
    for app, name in (("tone", "service"), ("noop", "do-nothing")):
        for scenario in SCENARIOS:
            s = figure(r, f"service.{app}.{scenario.key}") or {}
            rows.append((f"{name}: {_SCENARIO_LABELS[scenario.key]}",
                         f"{_num(s.get('replies_per_s'), unit=' replies/s')}  p50 {_num(s.get('p50_ms'), '.2f')}  "
                         f"p95 {_num(s.get('p95_ms'), '.2f')}  p99 {_num(s.get('p99_ms'), '.2f', ' ms')}",
                         _SCENARIO_GOALS.get((app, scenario.key), ())))
            overstated = (s.get("latency_accounted_share") or 0) > LATENCY_SLACK
            rows.append(("  errors; CPU share of all cores",
                         f"{_num(s.get('errors'))} errors, {_num(s.get('non_2xx'))} non-2xx; load generator "
                         f"{_num(s.get('loadgen_cpu_share'), '.0%')}, server {_num(s.get('server_cpu_share'), '.0%')}"
                         + (f"; latencies overstated (sum {s['latency_accounted_share']:.2f}x the run)"
                            if overstated else ""), ()))
        rows.append((f"{name}: total PSS, master + workers", _num(figure(r, f"service.{app}.pss_mb"), ".0f", " MB"),
                     ("service_pss",) if app == "tone" else ()))
    return rows


def _audit_rows(r: dict, run: str) -> list[Row]:
    a = figure(r, f"audit.{run}") or {}
    name = {"jobs_1": "--jobs 1", "jobs_2": "--jobs 2", "spark_local_2": "Spark local[2]"}[run]
    return [(f"{name}: agent replies/s", _num(a.get("replies_per_s"), unit=" replies/s")
             + f"  ({_num(a.get('agent_replies'))} replies in {_num(a.get('seconds'), '.1f', ' s')})",
             ("audit_throughput",) if run == "jobs_2" else ()),
            (f"{name}: peak memory, process tree",
             f"PSS {_num(a.get('peak_tree_pss_mb'), '.0f', ' MB')} (RSS summed over the processes "
             f"{_num(a.get('peak_tree_rss_mb'), '.0f', ' MB')})",
             ("audit_memory",) if run == "jobs_2" else ())]
