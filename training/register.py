"""Routine helpdesk phrases: how often real agents use them, and how our data labels the replies that do.

    python -m training.register --data data/train --real ../shared/corpora/replies.jsonl [--min-share 0.004]

Real agents wrap most replies in the same stock phrases (请您, 给您带来不便, 请问还有其他可以帮到您的吗), and most
real replies are not dismissive. If our writing uses such a phrase mostly in brush-offs, the model learns the
phrase as a brush-off cue and flags helpful real replies for their wording. This lists, for every word or
word pair in at least `min-share` of the real replies, its share of real and of our replies and the share of
our replies with it that are dismissive, worst first. Only counts are read from the real replies (they are
unlabeled and never trained on).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from model.tokenizer import tokenise
from training.dataset import DataError, Example, read_examples, read_unlabeled

# Routine phrases of real helpdesk replies that our writing once used mostly in dismissive rows (the round-6
# analysis in training/ERRORS.md); tests/test_data.py keeps each one's dismissive share near the data's own.
ROUTINE_PHRASES = ("请您", "的哦", "的呢", "请问还有", "感谢您", "带来不便", "反馈", "建议您", "会尽快", "相关部门",
                   "我司", "耐心等待", "谅解", "这个是", "我们也", "敬请", "处理中")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class PhraseUse:
    phrase: str
    real_share: float  # of real replies containing it
    data_count: int  # of our replies containing it
    dismissive_share: float  # of our replies containing it that are labeled dismissive

    def excess(self, base: float) -> float:
        """How far the phrase leans to dismissive in our data beyond the base rate, times how common it is in real
        replies: roughly the share of real replies the phrase alone pushes toward a flag."""
        return self.real_share * (self.dismissive_share - base)


def phrases(text: str) -> set[str]:
    """The words and adjacent word pairs of a reply that carry at least two characters and one Chinese one."""
    tokens = [t for t in tokenise(text) if t.strip()]
    grams = set(tokens) | {a + b for a, b in zip(tokens, tokens[1:])}
    return {g for g in grams if len(g) >= 2 and _HAN.search(g)}


def dismissive_rate(examples: list[Example]) -> float:
    """The share of `examples` labeled dismissive (0 for none)."""
    return sum("dismissive" in e.labels for e in examples) / len(examples) if examples else 0.0


def dismissive_share(phrase: str, examples: Iterable[Example]) -> tuple[int, float]:
    """How many of `examples` contain `phrase` (as a substring of the reply), and the share of those labeled dismissive."""
    with_phrase = [e for e in examples if phrase in e.reply]
    return len(with_phrase), dismissive_rate(with_phrase)


def phrase_uses(real_replies: list[str], examples: list[Example], min_share: float,
                min_count: int = 10) -> list[PhraseUse]:
    """Every phrase in at least `min_share` of `real_replies` and `min_count` of `examples`, the ones that lean most
    to dismissive in `examples` (`PhraseUse.excess`) first."""
    real = Counter(gram for reply in real_replies for gram in phrases(reply))
    ours: dict[str, list[int]] = {}
    for example in examples:
        for gram in phrases(example.reply):
            counts = ours.setdefault(gram, [0, 0])
            counts[0] += 1
            counts[1] += "dismissive" in example.labels
    base = dismissive_rate(examples)
    uses = [PhraseUse(gram, count / len(real_replies), n, dismissive / n)
            for gram, count in real.items() if count / len(real_replies) >= min_share
            for n, dismissive in [ours.get(gram, (0, 0))] if n and n >= min_count]
    return sorted(uses, key=lambda u: -u.excess(base))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("data/train"), help="our labeled data (file or folder)")
    parser.add_argument("--real", type=Path, required=True, help="unlabeled real replies, JSONL with a 'reply' field")
    parser.add_argument("--min-share", type=float, default=0.004, help="least share of real replies a phrase is in")
    parser.add_argument("--top", type=int, default=40, help="how many phrases to list")
    args = parser.parse_args(argv)
    try:
        examples = read_examples(args.data)
        real_replies = [reply for reply, _ in read_unlabeled(args.real)]
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{len(real_replies)} real replies, {len(examples)} of ours ({dismissive_rate(examples):.0%} dismissive)")
    print(f"{'phrase':12s} {'in real':>8s} {'in ours':>8s} {'dismissive in ours':>19s}")
    for use in phrase_uses(real_replies, examples, args.min_share)[:args.top]:
        print(f"{use.phrase:12s} {use.real_share:8.1%} {use.data_count:8d} {use.dismissive_share:19.0%}")
    print("routine phrases kept in check by tests/test_data.py (replies of ours with it, dismissive share):")
    for phrase in ROUTINE_PHRASES:
        n, share = dismissive_share(phrase, examples)
        print(f"{phrase:12s} {n:6d} {share:6.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
