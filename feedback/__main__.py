"""`make export-feedback`: labels corrected in the chat tool or on /label, as a training file.

    python -m feedback export --out var/corrections.jsonl [--url sqlite:///var/feedback.sqlite3]

Writes one line per reply in the labeling guide's format (the latest correction of a reply wins),
ready for ``make train EXTRA=var/corrections.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from feedback.store import FeedbackStore, default_url


def export_corrections(store: FeedbackStore, out: Path) -> int:
    """Write the corrections to `out` (written aside, then renamed); how many."""
    latest: dict[tuple[str, str], dict] = {}
    for record in store.records(action="correct_labels"):
        latest[(record["context"], record["text"])] = record
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.tmp")
    with staging.open("w", encoding="utf-8") as file:
        for (context, text), record in latest.items():
            file.write(json.dumps({"context": context, "reply": text, "labels": record["labels"],
                                   "source": f"feedback:{record['id']}"}, ensure_ascii=False) + "\n")
    staging.replace(out)
    return len(latest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m feedback", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["export"])
    parser.add_argument("--out", type=Path, default=Path("var/corrections.jsonl"))
    parser.add_argument("--url", default=os.environ.get("TONE_FEEDBACK_URL") or
                        default_url(os.environ.get("TONE_STATE_DIR", "var")), help="the feedback database URL")
    args = parser.parse_args(argv)
    try:
        count = export_corrections(FeedbackStore(args.url), args.out)
    except SQLAlchemyError as exc:
        print(f"error: cannot read the feedback store {args.url}: {exc.__class__.__name__}", file=sys.stderr)
        return 2
    print(f"wrote {count} corrected replies to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
