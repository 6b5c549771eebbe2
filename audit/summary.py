"""Figures for `summary.json` and the report, gathered reply by reply in constant memory."""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from typing import NamedTuple

from model.cues import is_complaint
from model.labels import FLAG_TONES, TONES
from model.tone_model import ToneResult

WORST_KEPT = 25
DEFINITIONS = {
    "context": "an agent reply's context is its chat's latest customer turn: the customer messages since the agent "
               "last spoke, joined by commas (last 300 characters)",
    "flagged": "a reply labeled dismissive or hostile",
    "flag_rate": "flagged replies / agent replies",
    "complaint": "a customer turn containing one of the complaint cue words in model/cues.py; counted once, on the "
                 "first agent reply after it",
    "complaints.answered_flagged": "complaints whose first reply was flagged",
    "complaints.answered_without_apology": "complaints whose first reply was not apologetic",
    "complaints.mishandled": "complaints whose first reply was flagged or not apologetic",
    "accounting": "rows_read = agent_replies + customer_messages + rejected",
    "day": "the first 10 characters of the time column when they are a date (YYYY-MM-DD or YYYY/MM/DD), "
           "a Unix time in seconds (UTC), or 'unknown'",
}


class Reply(NamedTuple):
    """An agent message ready to classify, with where it came from."""

    line: int
    chat_id: str
    time: str
    agent_id: str
    text: str
    context: str
    first_reply_to_turn: bool


_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def day_of(time: str) -> str:
    match = _DATE.match(time)
    if match:
        return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
    if time.isdigit() and 9 <= len(time) <= 10:
        return datetime.fromtimestamp(int(time), tz=timezone.utc).strftime("%Y-%m-%d")
    return "unknown"


class Summary:
    """Counts per tone, per agent and per day, complaint figures, and the worst replies."""

    def __init__(self) -> None:
        self.replies = 0
        self.flagged = 0
        self.neutral = 0
        self.tones: Counter = Counter()
        self.agents: dict[str, Counter] = defaultdict(Counter)
        self.days: dict[str, Counter] = defaultdict(Counter)
        self.complaints: Counter = Counter()
        self._worst: list[tuple[float, int, dict]] = []

    def add(self, reply: Reply, result: ToneResult) -> None:
        labels = result["labels"]  # distinct tones; counted in plain loops (Counter.update costs more per call)
        flagged = result["flagged"]
        self.replies += 1
        self.flagged += flagged
        self.neutral += not labels
        agent, day = self.agents[reply.agent_id or "unknown"], self.days[day_of(reply.time)]
        for bucket in (agent, day):
            bucket["replies"] += 1
            bucket["flagged"] += flagged
        for label in labels:
            self.tones[label] += 1
            agent[label] += 1
            day[label] += 1
        if reply.first_reply_to_turn and is_complaint(reply.context):
            apologised = "apologetic" in labels
            self.complaints["total"] += 1
            self.complaints["answered_flagged"] += flagged
            self.complaints["answered_without_apology"] += not apologised
            self.complaints["mishandled"] += flagged or not apologised
        if flagged:
            severity = max(result["scores"][t] for t in FLAG_TONES)
            entry = {"line": reply.line, "chat_id": reply.chat_id, "time": reply.time, "agent_id": reply.agent_id,
                     "context": reply.context, "text": reply.text, "labels": result["labels"],
                     "scores": result["scores"], "evidence": result["evidence"]}
            self._keep((severity, -reply.line, entry))

    def merge(self, other: "Summary") -> None:
        """Add the figures of another part of the same log (the Spark engine sums one Summary per partition)."""
        self.replies += other.replies
        self.flagged += other.flagged
        self.neutral += other.neutral
        self.tones.update(other.tones)
        self.complaints.update(other.complaints)
        for mine, theirs in ((self.agents, other.agents), (self.days, other.days)):
            for key, counts in theirs.items():
                mine[key].update(counts)
        for item in other._worst:
            self._keep(item)

    def _keep(self, item: tuple[float, int, dict]) -> None:
        if len(self._worst) < WORST_KEPT:
            heapq.heappush(self._worst, item)
        elif item[:2] > self._worst[0][:2]:
            heapq.heapreplace(self._worst, item)

    def worst(self) -> list[dict]:
        """The flagged replies with the highest dismissive/hostile score, worst first."""
        return [entry for _, _, entry in sorted(self._worst, key=lambda item: item[:2], reverse=True)]

    def to_dict(self, *, source: str, model_version: str, rows_read: int, customer_messages: int,
                rejected: int, reject_reasons: Counter) -> dict:
        def rates(buckets: dict[str, Counter]) -> dict:
            return {key: {"replies": c["replies"], "flagged": c["flagged"], "flag_rate": _rate(c["flagged"], c["replies"]),
                          "tones": {t: c[t] for t in TONES}} for key, c in sorted(buckets.items())}

        accounted = self.replies + customer_messages + rejected
        return {
            "source": source,
            "model_version": model_version,
            "agent_replies": self.replies,
            "flagged": self.flagged,
            "flag_rate": _rate(self.flagged, self.replies),
            "tones": {t: self.tones[t] for t in TONES},
            "neutral": self.neutral,
            "per_agent": rates(self.agents),
            "per_day": rates(self.days),
            "complaints": {k: self.complaints[k] for k in
                           ("total", "answered_flagged", "answered_without_apology", "mishandled")},
            "accounting": {
                "rows_read": rows_read, "agent_replies": self.replies, "customer_messages": customer_messages,
                "rejected": rejected, "balanced": rows_read == accounted,
                "line": f"rows read {rows_read} = agent replies {self.replies} + customer messages "
                        f"{customer_messages} + rejected {rejected}",
            },
            "rejected_by_reason": dict(reject_reasons.most_common()),
            "definitions": DEFINITIONS,
        }


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
