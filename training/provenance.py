"""Keep the team-written data apart from the texts it must not copy: the evaluation files and the real corpora.

A reply is a copy when its normalised text is a reply of the evaluation files or the corpora, or when it shares a
run of `SPAN` characters with an evaluation reply. A customer message is a copy when it shares such a run with an
evaluation message, or a run of `CORPUS_SPAN` characters with a corpus message (the corpora are 26 times
larger, so shorter runs meet by chance). Boilerplate does not count: the parts of a message covered by runs of
`BOILERPLATE_SPAN` characters found in `BOILERPLATE` or more corpus messages (JD's greeting 请问有什么可以帮您, its
order card 咨询订单号:… 订单金额:…, everyday phrases) are nobody's writing.

Usage, after a writing round (drops duplicates and copies in place and prints what it dropped):
    python -m training.provenance data/train ../shared
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from training.dataset import read_unlabeled

SPAN = 14
CORPUS_SPAN = 20
BOILERPLATE, BOILERPLATE_SPAN = 10, 8
EVAL_FILES = ("eval/dev.jsonl", "eval/dev-challenge.jsonl")
CORPUS_FILE = "corpora/replies.jsonl"


def normal(text: str) -> str:
    """Letters and digits only, lower case: the form in which copies are compared."""
    return re.sub(r"[\s\W_]+", "", text).lower()


def runs(text: str, span: int = SPAN, boilerplate: frozenset[str] = frozenset()) -> set[str]:
    """Every run of `span` characters of the normalised text, outside the parts covered by boilerplate runs."""
    text = normal(text)
    covered = [False] * len(text)
    for i in range(len(text) - BOILERPLATE_SPAN + 1):
        if text[i:i + BOILERPLATE_SPAN] in boilerplate:
            covered[i:i + BOILERPLATE_SPAN] = [True] * BOILERPLATE_SPAN
    pieces = "".join(" " if hidden else char for char, hidden in zip(text, covered)).split()
    return {piece[i:i + span] for piece in pieces for i in range(len(piece) - span + 1)}


@dataclass(frozen=True)
class Protected:
    replies: frozenset[str]
    reply_runs: frozenset[str]
    context_runs: frozenset[str]
    corpus_context_runs: frozenset[str]
    boilerplate: frozenset[str]

    @classmethod
    def read(cls, shared: Path) -> Protected:
        """The protected texts of the shared folder (``eval/`` and ``corpora/`` next to the repository)."""
        evaluation = [pair for name in EVAL_FILES for pair in read_unlabeled(shared / name)]
        corpus = read_unlabeled(shared / CORPUS_FILE)
        seen_in = Counter(run for _, context in corpus for run in runs(context, BOILERPLATE_SPAN))
        boilerplate = frozenset(run for run, n in seen_in.items() if n >= BOILERPLATE)

        def context_runs(pairs: list[tuple[str, str]], span: int) -> frozenset[str]:
            return frozenset(run for _, context in pairs for run in runs(context, span, boilerplate))

        return cls(
            replies=frozenset(text for reply, _ in evaluation + corpus if len(text := normal(reply)) >= 8),
            reply_runs=frozenset(run for reply, _ in evaluation for run in runs(reply)),
            context_runs=context_runs(evaluation, SPAN),
            corpus_context_runs=context_runs(corpus, CORPUS_SPAN),
            boilerplate=boilerplate,
        )

    def copied(self, context: str, reply: str) -> str | None:
        """Why this pair copies a protected text, or None."""
        if normal(reply) in self.replies:
            return "copies an eval/corpus reply"
        if runs(reply) & self.reply_runs:
            return "shares a long run with an eval reply"
        if runs(context, SPAN, self.boilerplate) & self.context_runs:
            return "shares a long run with an eval customer message"
        if runs(context, CORPUS_SPAN, self.boilerplate) & self.corpus_context_runs:
            return "shares a long run with a corpus customer message"
        return None


def curate(train: Path, protected: Protected) -> dict[Path, list[tuple[int, str]]]:
    """Drop repeated (context, reply) pairs across the files of `train`, and copies; returns what was dropped."""
    seen: set[tuple[str, str]] = set()
    dropped_by_file = {}
    for file in sorted(train.glob("*.jsonl")):
        kept, dropped = [], []
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            key = (row.get("context", ""), row["reply"])
            why = "duplicate" if key in seen else protected.copied(*key)
            if why:
                dropped.append((number, why))
            else:
                seen.add(key)
                kept.append(line + "\n")
        if dropped:
            file.write_text("".join(kept), encoding="utf-8")
            dropped_by_file[file] = dropped
    return dropped_by_file


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    train, shared = Path(argv[0]), Path(argv[1])
    if not all((shared / name).is_file() for name in (*EVAL_FILES, CORPUS_FILE)):
        print(f"error: {shared} does not hold {', '.join((*EVAL_FILES, CORPUS_FILE))}", file=sys.stderr)
        return 2
    for file, dropped in curate(train, Protected.read(shared)).items():
        print(f"{file}: dropped {len(dropped)}: " + ", ".join(f"{n} ({why})" for n, why in dropped[:8]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
