"""`training.register`: routine phrases of real replies and how our data labels them."""

import json
import re

from training.dataset import Example
from training.register import dismissive_share, length_band, length_profile, main, phrase_uses


def example(reply: str, *labels: str) -> Example:
    return Example(context="", reply=reply, labels=tuple(labels), where="test")


OURS = [example("请您耐心等待", "dismissive"), example("请您耐心等待哦", "dismissive"), example("请您提供订单号"),
        example("已经发货了"), example("已经发货了哦"), example("明天到")]
REAL = ["请您提供一下订单号", "请您稍等", "已经发货了", "好的"]


def test_a_phrase_our_data_uses_in_brush_offs_comes_first():
    uses = phrase_uses(REAL, OURS, min_share=0.25, min_count=2)
    first = uses[0]
    assert first.phrase == "请您"
    assert first.real_share == 0.5 and first.data_count == 3
    assert abs(first.dismissive_share - 2 / 3) < 1e-9
    assert {u.phrase for u in uses[1:]} == {"已经", "发货", "已经发货", "发货了"}
    assert all(u.dismissive_share == 0 for u in uses[1:])


def test_phrases_rare_in_real_replies_or_in_ours_are_left_out():
    assert [u.phrase for u in phrase_uses(REAL, OURS, min_share=0.6, min_count=2)] == []
    assert "订单号" not in {u.phrase for u in phrase_uses(REAL, OURS, min_share=0.25, min_count=2)}


def test_dismissive_share_counts_substrings():
    assert dismissive_share("耐心等待", OURS) == (2, 1.0)
    assert dismissive_share("没有的词", OURS) == (0, 0.0)


def test_length_bands_cover_every_length():
    assert [length_band("x" * n) for n in (0, 7, 8, 39, 40, 119, 120, 500)] == \
        ["0-7", "0-7", "8-19", "20-39", "40-69", "70-119", "120+", "120+"]


def test_length_profile_gives_real_and_our_shares_and_our_dismissive_share_per_band():
    profile = {band: rest for band, *rest in length_profile(REAL + ["很" * 45], OURS)}
    assert profile["0-7"] == [0.6, 1.0, 1 / 3]
    assert profile["8-19"] == profile["40-69"] == [0.2, 0.0, 0.0]
    assert sum(real for real, _, _ in profile.values()) == 1.0


def test_cli_prints_the_table_and_refuses_a_missing_file(tmp_path, capsys):
    data, real = tmp_path / "ours.jsonl", tmp_path / "real.jsonl"
    data.write_text("".join(json.dumps({"context": "", "reply": e.reply, "labels": list(e.labels)}, ensure_ascii=False)
                            + "\n" for e in OURS), encoding="utf-8")
    real.write_text("".join(json.dumps({"reply": r}, ensure_ascii=False) + "\n" for r in REAL), encoding="utf-8")
    assert main(["--data", str(data), "--real", str(real), "--min-share", "0.25"]) == 0
    out = capsys.readouterr().out
    assert "4 real replies, 6 of ours (33% dismissive)" in out
    assert re.search(r"^0-7 +75.0% +100.0% +33%$", out, re.MULTILINE)
    assert main(["--data", str(data), "--real", str(tmp_path / "missing.jsonl")]) == 2
    assert "is not a file" in capsys.readouterr().err
    real.write_text('{"reply": "好的"}\n{"text": "no reply field"}\n', encoding="utf-8")
    assert main(["--data", str(data), "--real", str(real)]) == 2
    assert f"{real}:2: not a JSON object with a 'reply' string" in capsys.readouterr().err
    assert main(["--data", str(tmp_path / "no-data"), "--real", str(real)]) == 2
    assert "error:" in capsys.readouterr().err
