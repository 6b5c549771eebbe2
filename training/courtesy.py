"""Stock courtesy on replies of every tone, at the rates real agents use it.

The guide counts stock courtesy (请问有什么可以帮您, 祝您生活愉快) as no tone. Our writers put openers and closings
almost only into neutral or dismissive replies, so the model learned them as signs against hostility, empathy and
compensation: a closing appended to a hostile reply took the hostile label off more than half of them
(training/ERRORS.md, round 9). Training therefore adds an opener and a closing, labels kept, to a fixed share of
the team's replies, drawn from the team-written bank `data/courtesy.json` by the row's channel. The choice is a
function of the row, so every run trains on the same text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from training.dataset import DataError, Example, data_hash, read_examples

BANK = Path(__file__).resolve().parent.parent / "data" / "courtesy.json"
# Shares of real replies (../shared/corpora) that open with a greeting or an address (about 19%) and that end
# with a stock closing (about 9%), less what the team's replies already carry.
OPENER_RATE = 0.15
CLOSING_RATE = 0.10
GREETINGS = ("您好", "你好", "亲", "尊敬的", "亲爱的")
SENTENCE_ENDS = tuple("。.!！?？~～…") + (" ",)
SEPARATORS = (" ", ",", "。", "，")


@dataclass(frozen=True)
class CourtesyBank:
    DEFAULT = "chat"  # the register of channels the bank does not name

    registers: dict[str, str]  # channel -> register
    openers: dict[str, tuple[str, ...]]  # register -> phrases
    closings: dict[str, tuple[str, ...]]

    @classmethod
    def read(cls, path: Path = BANK) -> CourtesyBank:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            bank = cls(registers={channel: register for register, channels in raw["registers"].items()
                                  for channel in channels},
                       openers={register: tuple(phrases) for register, phrases in raw["openers"].items()},
                       closings={register: tuple(phrases) for register, phrases in raw["closings"].items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DataError(f"{path}: not a courtesy bank ({exc})") from None
        registers = set(bank.registers.values()) | {bank.DEFAULT}
        if any(not bank.openers.get(r) or not bank.closings.get(r) for r in registers):
            raise DataError(f"{path}: every register needs openers and closings")
        return bank

    def register(self, channel: str) -> str:
        return self.registers.get(channel, self.DEFAULT)


def with_courtesy(examples: list[Example], bank: CourtesyBank, opener_rate: float = OPENER_RATE,
                  closing_rate: float = CLOSING_RATE) -> list[Example]:
    """The examples in order, about `opener_rate` of them with an opener and `closing_rate` with a closing added."""
    return [_courteous(e, bank, opener_rate, closing_rate) for e in examples]


def _courteous(example: Example, bank: CourtesyBank, opener_rate: float, closing_rate: float) -> Example:
    draw = random.Random(hashlib.sha256(f"{example.context}\0{example.reply}".encode()).digest())
    register = bank.register(example.channel)
    reply = example.reply
    if draw.random() < opener_rate and not reply.startswith(GREETINGS):
        reply = draw.choice(bank.openers[register]) + reply
    if draw.random() < closing_rate:
        separator = "" if reply.endswith(SENTENCE_ENDS) else draw.choice(SEPARATORS)
        reply = reply + separator + draw.choice(bank.closings[register])
    return example if reply == example.reply else dataclasses.replace(example, reply=reply)


def read_team_examples(data: Path, courtesy: bool = True) -> tuple[list[Example], dict | None]:
    """The team's examples as they are trained on (with stock courtesy unless `courtesy` is off), and a record of
    what was added, for the model's metadata."""
    examples = read_examples(data)
    if not courtesy:
        return examples, None
    bank = CourtesyBank.read()
    courteous = with_courtesy(examples, bank)
    return courteous, {"bank": BANK.name, "sha256": data_hash(BANK), "opener_rate": OPENER_RATE,
                       "closing_rate": CLOSING_RATE,
                       "replies_changed": sum(a is not b for a, b in zip(courteous, examples))}
