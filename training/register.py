"""Routine helpdesk phrases and reply lengths: how often real agents use them, and how our data labels the replies.

    python -m training.register --data data/train --real ../shared/corpora/replies.jsonl [--min-share 0.004]

Real agents wrap most replies in the same stock phrases (请您, 给您带来不便, 请问还有其他可以帮到您的吗), and most
real replies are not dismissive. If our writing uses such a phrase mostly in brush-offs, the model learns the
phrase as a brush-off cue and flags helpful real replies for their wording. This lists, for every word or
word pair in at least `min-share` of the real replies, its share of real and of our replies and the share of
our replies with it that are dismissive, worst first. The same holds for length: if our brush-offs are all
short, the model learns length as a cue and passes a long canned template (round 10 in training/ERRORS.md), so
it also lists, per band of reply length, the share of real and of our replies and our dismissive share. Only
counts are read from the real replies (they are unlabeled and never trained on).
"""

from __future__ import annotations

import argparse
import bisect
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
LENGTH_BANDS = (0, 8, 20, 40, 70, 120)  # lower bounds, in characters, of the reply-length bands
_BAND_NAMES = tuple(f"{low}-{high - 1}" for low, high in zip(LENGTH_BANDS, LENGTH_BANDS[1:])) + (
    f"{LENGTH_BANDS[-1]}+",)
LONG_REPLY = 40  # tests/test_data.py keeps replies of this length or more from reading as "not dismissive"


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


def length_band(text: str) -> str:
    """The band of `LENGTH_BANDS` the text's length falls in, as "lo-hi" (the last one "lo+")."""
    return _BAND_NAMES[bisect.bisect_right(LENGTH_BANDS, len(text)) - 1]


def length_profile(real_replies: list[str], examples: list[Example]) -> list[tuple[str, float, float, float]]:
    """Per reply-length band: its share of `real_replies`, its share of `examples` and the dismissive share there."""
    real = Counter(length_band(r) for r in real_replies)
    ours: dict[str, list[Example]] = {band: [] for band in _BAND_NAMES}
    for example in examples:
        ours[length_band(example.reply)].append(example)
    return [(band, real[band] / max(len(real_replies), 1), len(ours[band]) / max(len(examples), 1),
             dismissive_rate(ours[band])) for band in _BAND_NAMES]


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
    print(f"{'reply length':12s} {'in real':>8s} {'in ours':>8s} {'dismissive in ours':>19s}")
    for band, real_share, our_share, dismissive in length_profile(real_replies, examples):
        print(f"{band:12s} {real_share:8.1%} {our_share:8.1%} {dismissive:19.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
