"""Stock courtesy added to the team's replies at training time (training/courtesy.py)."""

import json

import pytest

from conftest import ROOT
from training.courtesy import BANK, CLOSING_RATE, OPENER_RATE, CourtesyBank, with_courtesy
from training.dataset import DataError, Example, data_hash, read_examples


@pytest.fixture(scope="module")
def bank():
    return CourtesyBank.read()


def examples(n, channel="taobao"):
    return [Example(f"问题{i}", f"第{i}条回复", ("apologetic",) if i % 2 else (), f"f:{i}", channel) for i in range(n)]


def test_openers_and_closings_come_at_about_the_set_rates_and_keep_labels_context_and_reply(bank):
    before = examples(4000)
    after = with_courtesy(before, bank)
    opened = sum(not a.reply.startswith(b.reply) for a, b in zip(after, before))
    closed = sum(not a.reply.endswith(b.reply) for a, b in zip(after, before))
    assert abs(opened / 4000 - OPENER_RATE) < 0.025 and abs(closed / 4000 - CLOSING_RATE) < 0.025
    assert all(b.reply in a.reply and (a.context, a.labels, a.where) == (b.context, b.labels, b.where)
               for a, b in zip(after, before))


def test_the_same_rows_get_the_same_phrases_on_every_run(bank):
    assert with_courtesy(examples(300), bank) == with_courtesy(examples(300), bank)


def test_phrases_follow_the_channel_register(bank):
    weibo = set(bank.openers["weibo"] + bank.closings["weibo"])
    chat_only = set(bank.openers["chat"] + bank.closings["chat"]) - weibo
    changed = [a.reply for a, b in zip(with_courtesy(examples(500, "weibo"), bank), examples(500, "weibo"))
               if a.reply != b.reply]
    assert changed and not any(p in reply for reply in changed for p in chat_only if len(p) > 3)
    assert bank.register("weibo") == "weibo" and bank.register("a-new-channel") == CourtesyBank.DEFAULT


def test_replies_that_already_greet_get_no_second_opener_and_rate_zero_changes_nothing(bank):
    greeted = [Example(f"问题{i}", "您好,已经发货了", (), f"f:{i}") for i in range(200)]
    assert all(a.reply == "您好,已经发货了" for a in with_courtesy(greeted, bank, 1.0, 0.0))
    assert with_courtesy(examples(200), bank, 0.0, 0.0) == examples(200)


def test_a_broken_bank_is_a_data_error(tmp_path):
    broken = tmp_path / "courtesy.json"
    broken.write_text(json.dumps({"registers": {"weibo": ["weibo"]}, "openers": {"chat": ["您好,"]},
                                  "closings": {"chat": ["谢谢"]}}), encoding="utf-8")
    with pytest.raises(DataError, match="every register"):
        CourtesyBank.read(broken)
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(DataError, match="not a courtesy bank"):
        CourtesyBank.read(broken)


def test_the_bank_is_the_teams_own_writing(bank, protected):
    registers = [ps for table in (bank.openers, bank.closings) for ps in table.values()]
    assert all(len(ps) == len(set(ps)) for ps in registers)
    phrases = {p for ps in registers for p in ps}
    assert len(phrases) >= 60
    assert [p for p in phrases if protected.copied("", p)] == []


def test_training_records_what_courtesy_added_and_can_leave_it_out(tmp_path):
    from model.features import ModelConfig
    from training.train import train

    rows = [{"context": f"第{i}个问题", "reply": reply + f" {i}", "labels": labels, "channel": "jd"}
            for i in range(12) for reply, labels in [("非常抱歉", ["apologetic"]), ("爱买不买", ["hostile", "dismissive"]),
                                                     ("理解您的心情", ["empathetic"]), ("给您补发一件", ["compensating"]),
                                                     ("已发货", [])]]
    data = tmp_path / "small.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    metadata = [json.loads((train(data, tmp_path / name, ModelConfig(calibration="none"), folds=2, log=lambda *_: None,
                                  courtesy=courtesy) / "metadata.json").read_text(encoding="utf-8"))
                for name, courtesy in [("with", True), ("without", False)]]
    added = metadata[0]["data"]["courtesy"]
    assert added["replies_changed"] > 0 and added["sha256"] == data_hash(BANK)
    assert metadata[1]["data"]["courtesy"] is None
    assert metadata[0]["data"]["sha256"] != metadata[1]["data"]["sha256"]


@pytest.mark.parametrize("closing", [",感谢您对本店的支持,祝您生活愉快,再见!", " 请问还有其他可以帮您的吗?"])
def test_a_closing_the_bank_does_not_hold_leaves_hostile_replies_hostile(tone_model, closing):
    # Trained on the replies as written, the model kept hostile on 13% and 43% of these (training/ERRORS.md, round 9).
    hostile = [e for e in read_examples(ROOT / "data" / "train") if "hostile" in e.labels][:600]
    found = [e for e, r in zip(hostile, tone_model.predict([e.reply for e in hostile], [e.context for e in hostile]))
             if "hostile" in r["labels"]]
    closed = tone_model.predict([e.reply + closing for e in found], [e.context for e in found])
    assert sum("hostile" in r["labels"] for r in closed) >= 0.75 * len(found)
