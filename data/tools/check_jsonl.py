"""Check a training-data file: schema, known labels, duplicates; print per-tone counts.

Usage: python data/tools/check_jsonl.py data/train/FILE.jsonl [more files]
"""
import collections
import json
import sys

TONES = {"dismissive", "hostile", "apologetic", "empathetic", "compensating"}


def main(paths: list[str]) -> int:
    bad = 0
    seen: dict[str, str] = {}
    counts: collections.Counter = collections.Counter()
    total = 0
    for path in paths:
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                print(f"{path}:{n}: not JSON: {exc}")
                bad += 1
                continue
            reply, labels = row.get("reply"), row.get("labels")
            if not isinstance(reply, str) or not reply.strip():
                print(f"{path}:{n}: missing or empty reply")
                bad += 1
                continue
            if not isinstance(row.get("context", ""), str):
                print(f"{path}:{n}: context is not a string")
                bad += 1
            if not isinstance(labels, list) or not set(labels) <= TONES:
                print(f"{path}:{n}: bad labels {labels!r}")
                bad += 1
                continue
            key = row.get("context", "") + "\t" + reply
            if key in seen:
                print(f"{path}:{n}: duplicate of {seen[key]}")
                bad += 1
            seen[key] = f"{path}:{n}"
            total += 1
            counts.update(set(labels))
            if not labels:
                counts["(neutral)"] += 1
    print(f"rows={total} " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    print("problems:", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
