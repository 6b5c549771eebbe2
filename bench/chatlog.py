"""A generated chat-log CSV for the audit benchmark, built from the corpus and kept in bench/work/."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from bench.corpus import Pair

COLUMNS = ["chat_id", "role", "text", "time", "agent_id"]
AGENTS = [f"agent{i:02d}" for i in range(1, 21)]
START = datetime(2026, 10, 1)
DAYS = 30


def chat_log(folder: Path, messages: int, pairs: list[Pair], seed: int = 0) -> Path:
    """``chats-<messages>.csv`` in `folder`, generated unless it already exists.

    Chats of 2-12 messages alternate customer and agent turns, starting with the customer (so a
    little under half the rows are agent replies). Customer texts are the corpus contexts split on
    commas (the corpus joins turns with them); agent texts are the corpus replies. Each chat has one
    of 20 agents and starts at a random time over 30 days.
    """
    path = folder / f"chats-{messages}.csv"
    if path.exists():
        return path
    customer_texts = [piece.strip() for p in pairs for piece in p.context.split(",") if piece.strip()]
    replies = [p.reply for p in pairs]
    rng = random.Random(seed)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        written = chat = 0
        while written < messages:
            chat += 1
            length = min(rng.randint(2, 12), messages - written)
            agent = rng.choice(AGENTS)
            moment = START + timedelta(seconds=rng.randrange(DAYS * 86400))
            for turn in range(length):
                customer = turn % 2 == 0
                writer.writerow([f"C{chat:07d}", "customer" if customer else "agent",
                                 rng.choice(customer_texts if customer else replies),
                                 f"{moment:%Y-%m-%d %H:%M:%S}", "" if customer else agent])
                moment += timedelta(seconds=rng.randint(5, 180))
            written += length
    partial.rename(path)
    return path
