"""The save rate: how often a flagged reply was revised rather than sent anyway, from the feedback store."""

from __future__ import annotations

from collections import Counter, defaultdict

from feedback.store import FeedbackStore
from model.labels import FLAG_TONES

DEFINITION = ("among feedback records of flagged replies (the service's labels held dismissive or hostile) whose "
              "action is revised or sent_anyway: revised / (revised + sent_anyway)")


def save_rate(store: FeedbackStore) -> dict | None:
    """Overall, per agent and per flag tone; None when the store holds no such record."""
    overall: Counter = Counter()
    agents: dict[str, Counter] = defaultdict(Counter)
    tones: dict[str, Counter] = defaultdict(Counter)
    for record in store.records():
        flagged = FLAG_TONES.intersection(record["predicted_labels"])
        if record["action"] not in ("revised", "sent_anyway") or not flagged:
            continue
        for bucket in (overall, agents[record["agent_id"] or "unknown"], *(tones[t] for t in sorted(flagged))):
            bucket[record["action"]] += 1
    if not overall:
        return None
    return {"definition": DEFINITION, "overall": _rate(overall),
            "per_agent": {a: _rate(c) for a, c in sorted(agents.items())},
            "per_tone": {t: _rate(c) for t, c in sorted(tones.items())}}


def _rate(counts: Counter) -> dict:
    revised, sent = counts["revised"], counts["sent_anyway"]
    return {"revised": revised, "sent_anyway": sent, "rate": round(revised / (revised + sent), 4)}
