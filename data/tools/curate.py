"""Curate the team-written training files in place: drop exact duplicates across files and replies that
repeat evaluation or corpus texts (run after a writing round; prints what it dropped).

Usage: python data/tools/curate.py data/train ../shared
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

SPAN = 14


def normal(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text).lower()


def main(train: Path, shared: Path) -> int:
    protected, spans = set(), set()
    for name in ("eval/dev.jsonl", "eval/dev-challenge.jsonl", "corpora/replies.jsonl"):
        for line in (shared / name).open(encoding="utf-8"):
            text = normal(json.loads(line).get("reply", ""))
            if len(text) >= 8:
                protected.add(text)
            if name.startswith("eval"):
                spans.update(text[i:i + SPAN] for i in range(len(text) - SPAN + 1))
    seen: set[tuple[str, str]] = set()
    for file in sorted(train.glob("*.jsonl")):
        kept, dropped = [], []
        for number, line in enumerate(file.open(encoding="utf-8"), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            key, text = (row.get("context", ""), row["reply"]), normal(row["reply"])
            if key in seen:
                dropped.append((number, "duplicate"))
            elif text in protected:
                dropped.append((number, "copies an eval/corpus reply"))
            elif any(text[i:i + SPAN] in spans for i in range(len(text) - SPAN + 1)):
                dropped.append((number, "shares a long span with an eval reply"))
            else:
                seen.add(key)
                kept.append(line if line.endswith("\n") else line + "\n")
        if dropped:
            file.write_text("".join(kept), encoding="utf-8")
            print(f"{file}: dropped {len(dropped)}: " + ", ".join(f"{n} ({why})" for n, why in dropped[:8]))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
