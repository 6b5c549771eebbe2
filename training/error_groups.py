"""Group a model's mistakes on a labeled file by cause, with counts (the table of training/ERRORS.md).

    python -m training.error_groups --data ../shared/eval/dev.jsonl [--model models/current]

The groups are cue rules written after reading the mistakes; a mistake goes to the first group
whose rule matches. Tones other than dismissive are counted as missed / wrongly given.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from model import TONES, load_model
from training.dataset import Example, read_examples

WRONGLY_DISMISSIVE = [
    ("short reply that answers or acknowledges", lambda t: len(re.sub(r"\W", "", t)) <= 12),
    ("apology or thanks + a concrete next step, read as hollow",
     lambda t: re.search(r"抱歉|歉|不便|不好意思|谅解", t) and re.search(r"私信|提供|联系|安排|核实|处理|工程师|专人|跟进|反馈", t)),
    ("request for details or a clarifying question", lambda t: re.search(r"提供|订单号|请问|是否|\?|？", t)),
    ("playful reply to a fan", lambda t: t.count("!") + t.count("！") >= 2),
    ("plain explanation of a process or cause", lambda t: True),
]
MISSED_DISMISSIVE = [
    ("pushes the problem elsewhere (other channel, self-service)", lambda t: re.search(r"咨询|客服沟通|网上营业厅|联系商家|看售后|建议", t)),
    ("wait / cannot / the rule, at an urgent complaint",
     lambda t: re.search(r"耐心等待|无法保证|确认不了|没有办法|没办法|无法驳回|不减免|照常产生", t)),
    ("apology or thanks with boilerplate (hollow)", lambda t: re.search(r"抱歉|歉|不便|谅解|感谢|谢谢", t)),
    ("a reply that ignores what was asked", lambda t: True),
]


def group_mistakes(examples: list[Example], predicted: list[list[str]]) -> Counter:
    groups: Counter = Counter()
    for example, labels in zip(examples, predicted):
        for tone in TONES:
            gold, given = tone in example.labels, tone in labels
            if gold == given:
                continue
            kind = "wrongly given" if given else "missed"
            cause = ""
            if tone == "dismissive":
                rules = WRONGLY_DISMISSIVE if given else MISSED_DISMISSIVE
                cause = next(name for name, rule in rules if rule(example.reply))
            groups[(tone, kind, cause)] += 1
    return groups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=Path("models/current"))
    args = parser.parse_args(argv)
    model, examples = load_model(args.model), read_examples(args.data)
    results = model.predict([e.reply for e in examples], [e.context for e in examples])
    for (tone, kind, cause), count in sorted(group_mistakes(examples, [r["labels"] for r in results]).items()):
        print(f"{count:4d}  {tone} {kind}" + (f": {cause}" if cause else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
