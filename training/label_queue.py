"""`make label`: pick the agent replies of a chat log whose labels the model is least sure of.

    python -m training.label_queue --in chats.csv --n 200 --out to-label.jsonl [--model models/current]

Every agent reply (with its context, as the audit builds it) gets an uncertainty: how close its
closest tone is to that tone's threshold. The N most uncertain are taken in turns over the tones
they are uncertain about, skipping near-duplicates (same text once punctuation is dropped, or character-trigram
overlap of 0.8 or more with a reply already taken). The output is the labeling guide's format with
empty ``labels`` to fill in (the model's guess is in ``suggested``), for the /label page or by hand.
"""

from __future__ import annotations

import argparse
import heapq
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from audit.chats import ContextTracker
from audit.reader import AuditInputError, ChatLogReader, Reject, parse_mapping
from model import ModelLoadError, ToneModel, load_model
from model.labels import TONES
from model.tokenizer import normalise

BATCH = 2000
POOL_FACTOR = 10  # candidates kept per reply asked for, before spreading and de-duplicating
NEAR_DUPLICATE = 0.8


def uncertainty(probabilities: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: 1 at a threshold, 0 at certainty; and the tone it is least sure of."""
    closeness = 1 - np.abs(probabilities - thresholds) / np.maximum(thresholds, 1 - thresholds)
    return closeness.max(axis=1), closeness.argmax(axis=1)


def candidates(model: ToneModel, reader: ChatLogReader, keep: int) -> list[tuple[float, int, dict]]:
    """The `keep` most uncertain agent replies of the log."""
    tracker, batch, pool = ContextTracker(), [], []
    cut = np.array([model.thresholds[t] for t in TONES])

    def score() -> None:
        probabilities = model.probabilities([b["reply"] for b in batch], [b["context"] for b in batch])
        for item, u, tone, p in zip(batch, *uncertainty(probabilities, cut), probabilities):
            item.update(tone=TONES[tone], scores={t: round(float(x), 4) for t, x in zip(TONES, p)},
                        suggested=[t for t, x, c in zip(TONES, p, cut) if x >= c])
            entry = (float(u), -item["line"], item)
            heapq.heappush(pool, entry) if len(pool) < keep else heapq.heappushpop(pool, entry)
        batch.clear()

    for row in reader:
        if isinstance(row, Reject):
            continue
        if row.role == "customer":
            tracker.customer(row.chat_id, row.text)
            continue
        batch.append({"line": row.line, "chat_id": row.chat_id, "reply": row.text,
                      "context": tracker.agent(row.chat_id).context})
        if len(batch) >= BATCH:
            score()
    if batch:
        score()
    return sorted(pool, key=lambda e: e[:2], reverse=True)


def spread(pool: list[tuple[float, int, dict]], n: int) -> list[dict]:
    """Up to `n` items taken in turns over their uncertain tone, most uncertain first, without near-duplicates."""
    by_tone: dict[str, list[dict]] = defaultdict(list)
    for _, _, item in pool:
        by_tone[item["tone"]].append(item)
    chosen, seen, grams = [], set(), []
    queues = [by_tone[t] for t in TONES if by_tone[t]]
    while len(chosen) < n and any(queues):
        for queue in queues:
            while queue:
                item = queue.pop(0)
                text = _bare(item["reply"]) + "\t" + _bare(item["context"])[-40:]
                trigrams = {text[i:i + 3] for i in range(max(len(text) - 2, 1))}
                if text in seen or any(len(trigrams & g) / len(trigrams | g) >= NEAR_DUPLICATE for g in grams):
                    continue
                seen.add(text)
                grams.append(trigrams)
                chosen.append(item)
                break
            if len(chosen) >= n:
                break
    return chosen


def _bare(text: str) -> str:
    """The normalised text without punctuation or spaces, for spotting near-duplicates."""
    return re.sub(r"[\W_]+", "", normalise(text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--in", dest="source", type=Path, required=True, help="a chat log in the audit's format")
    parser.add_argument("--n", type=int, default=200, help="how many replies to pick")
    parser.add_argument("--out", type=Path, default=Path("to-label.jsonl"))
    parser.add_argument("--model", type=Path, default=Path("models/current"))
    parser.add_argument("--columns", help="as for the audit: field=column pairs")
    parser.add_argument("--roles", help="as for the audit: value=customer|agent pairs")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    try:
        model = load_model(args.model)
        reader = ChatLogReader(args.source, parse_mapping(args.columns, "--columns"), parse_mapping(args.roles, "--roles"))
        chosen = spread(candidates(model, reader, args.n * POOL_FACTOR), args.n)
    except (AuditInputError, ModelLoadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as file:
        for item in chosen:
            file.write(json.dumps({"context": item["context"], "reply": item["reply"], "labels": [],
                                   "suggested": item["suggested"], "uncertain_tone": item["tone"],
                                   "scores": item["scores"], "source": f"{args.source.name}:{item['line']}",
                                   "chat_id": item["chat_id"]}, ensure_ascii=False) + "\n")
    tones = ", ".join(f"{t} {sum(1 for c in chosen if c['tone'] == t)}" for t in TONES)
    print(f"wrote {len(chosen)} replies to label to {args.out} (least sure of: {tones})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
