"""How much each measurement does, for a full run and for ``--quick``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    name: str
    tokeniser_replies: int  # replies tokenised for the floor
    model_replies: int      # replies predicted per batch size, and for the stage split
    stage_repeats: int      # the stage split keeps the fastest of this many timings per stage
    template_rounds: int    # passes over the template replies with warm caches
    http_seconds: int       # per load scenario
    audit_messages: int     # rows of the generated chat log
    snownlp_replies: int
    train_folds: int | None  # None: `make train`'s own default


FULL = Plan("full", tokeniser_replies=15_000, model_replies=4096, stage_repeats=3, template_rounds=20,
            http_seconds=10, audit_messages=1_000_000, snownlp_replies=2000, train_folds=None)
QUICK = Plan("quick", tokeniser_replies=3000, model_replies=1024, stage_repeats=2, template_rounds=5,
             http_seconds=3, audit_messages=100_000, snownlp_replies=400, train_folds=2)
