"""The near-copy check between team-written data and the evaluation and corpus texts."""

import json

import pytest

from training.provenance import BOILERPLATE, Protected, curate, main

GREETING = "您好，请问有什么可以帮您？"
EVAL_CONTEXT = "外卖晚到了一个多小时，汤全洒在袋子里了，你们怎么赔"
CORPUS_CONTEXT = "我上周三在你们店里买的那台洗衣机到现在还没有人上门安装，打了三次电话都说在排期"


def write_jsonl(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


@pytest.fixture
def shared(tmp_path):
    root = tmp_path / "shared"
    write_jsonl(root / "eval" / "dev.jsonl", [
        {"context": GREETING + EVAL_CONTEXT, "reply": "非常抱歉，汤洒了是我们打包没做好，这单给您全额退款", "labels": []}])
    write_jsonl(root / "eval" / "dev-challenge.jsonl", [{"context": "", "reply": "亲亲这个是正常现象的呢", "labels": []}])
    corpus = [{"context": f"{GREETING}第{n}个问题是别的事情{n}", "reply": f"好的{n}", "corpus": "c"} for n in range(BOILERPLATE)]
    corpus.append({"context": CORPUS_CONTEXT, "reply": "您好，安装师傅明天上午会联系您的", "corpus": "c"})
    write_jsonl(root / "corpora" / "replies.jsonl", corpus)
    return root


@pytest.fixture
def protected(shared):
    return Protected.read(shared)


@pytest.mark.parametrize("context, reply, why", [
    ("", "您好!安装师傅明天上午会联系您的~", "copies an eval/corpus reply"),
    ("", "抱歉,汤洒了是我们打包没做好,这单给您退一半", "shares a long run with an eval reply"),
    ("在吗," + EVAL_CONTEXT[:16] + "，怎么办", "好的", "shares a long run with an eval customer message"),
    (CORPUS_CONTEXT[:22] + "，急", "好的", "shares a long run with a corpus customer message"),
])
def test_a_copied_reply_or_customer_message_is_named(protected, context, reply, why):
    assert protected.copied(context, reply) == why


@pytest.mark.parametrize("context, reply", [
    (GREETING + EVAL_CONTEXT[:6] + "还凉了", "亲亲这边帮您催一下"),  # the greeting is boilerplate: 9 letters remain
    (CORPUS_CONTEXT[:16] + "，不知道行不行", "可以的"),              # 16 characters in common: chance, for the corpora
    ("", "安装师傅明天会联系您"),                                   # a shorter reply, not the corpus one
])
def test_boilerplate_and_short_runs_in_common_are_not_copies(protected, context, reply):
    assert protected.copied(context, reply) is None


def test_curate_drops_duplicates_and_copies_and_keeps_the_rest(shared, tmp_path):
    train = tmp_path / "train"
    kept = {"context": "衣服起球了", "reply": "亲亲给您补发一件新的哦", "labels": ["compensating"]}
    write_jsonl(train / "01.jsonl", [kept, {"context": "", "reply": "亲亲这个是正常现象的呢!", "labels": []}])
    write_jsonl(train / "02.jsonl", [kept])

    dropped = curate(train, Protected.read(shared))

    assert dropped == {train / "01.jsonl": [(2, "copies an eval/corpus reply")], train / "02.jsonl": [(1, "duplicate")]}
    assert [json.loads(line) for line in (train / "01.jsonl").read_text(encoding="utf-8").splitlines()] == [kept]
    assert (train / "02.jsonl").read_text(encoding="utf-8") == ""


def test_the_command_needs_the_shared_files(tmp_path, capsys):
    assert main([str(tmp_path), str(tmp_path / "nowhere")]) == 2
    assert "does not hold eval/dev.jsonl" in capsys.readouterr().err
