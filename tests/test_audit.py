import csv
import gzip
import json
import subprocess
import sys

import pytest

from audit.chats import ContextTracker
from audit.reader import AuditInputError, ChatLogRules, Message
from audit.run import run_audit
from conftest import ROOT
from model import TONES

HEADER = "chat_id,role,text,time,agent_id\n"
GOOD_CHAT = (
    "c1,customer,\"裤子收到了,很薄很皱,版型也不好\",2026-03-01 10:00:00,\n"
    "c1,agent,😊😊,2026-03-01 10:00:30,a1\n"
    "c2,customer,什么时候发货,2026-03-01 11:00:00,\n"
    "c2,agent,\"已发货,明天到\",2026-03-01 11:00:10,a2\n"
    "c1,agent,\"非常抱歉,给您补发一件,运费我们承担\",2026-03-02 09:00:00,a1\n"
)


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def audit(tmp_path, model_dir, content: bytes, name="chats.csv", **options):
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "out"
    summary = run_audit(source, out, model_dir, progress=None, **options)
    return summary, out


def test_every_kind_of_bad_row_is_rejected_and_accounted_for(tmp_path, model_dir):
    content = (HEADER + GOOD_CHAT).encode() + (
        b"c3,customer,\xff\xfe broken bytes,2026-03-01,\n"    # line 7: bad encoding
        b"c3,agent\n"                                          # line 8: missing column
        b"c3,agent,   ,2026-03-01,a1\n"                        # line 9: empty text
        b",agent,hello,2026-03-01,a1\n"                        # line 10: missing chat_id
        b"c3,robot,\xe4\xbd\xa0\xe5\xa5\xbd,2026-03-01,a1\n"   # line 11: unknown role
        b"c3,agent,ok,2026-03-01,a1\n"                         # line 12: fine
    )
    summary, out = audit(tmp_path, model_dir, content)
    acc = summary["accounting"]
    assert acc == {**acc, "rows_read": 11, "agent_replies": 4, "customer_messages": 2, "rejected": 5, "balanced": True}
    rejects = read_csv(out / "rejects.csv")
    reasons = {int(r["line"]): r["reason"] for r in rejects}
    assert list(reasons) == [7, 8, 9, 10, 11]
    assert "encoding" in reasons[7] and "fields" in reasons[8] and reasons[9] == "empty text"
    assert reasons[10] == "missing chat_id" and "unknown role" in reasons[11]
    assert len(read_csv(out / "replies.csv")) == 4
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["accounting"] == acc


def test_broken_json_lines_are_rejected_in_gzip_jsonl(tmp_path, model_dir):
    lines = [json.dumps({"chat_id": "c1", "role": "customer", "text": "杯子是碎的", "time": "2026-03-01"}, ensure_ascii=False),
             "{broken json",
             json.dumps(["not", "an", "object"]),
             json.dumps({"chat_id": "c1", "role": "agent", "text": "亲,这个没办法呢", "agent_id": "a9"}, ensure_ascii=False),
             json.dumps({"chat_id": "c1", "role": "agent", "text": 12}),
             json.dumps({"chat_id": "c1", "role": "agent"}),
             '{"chat_id": "c1", "role": "agent", "text": "lone \\ud800 surrogate"}']
    summary, out = audit(tmp_path, model_dir, gzip.compress("\n".join(lines).encode()), name="chats.jsonl.gz")
    assert summary["accounting"]["rows_read"] == 7 and summary["accounting"]["balanced"]
    assert summary["agent_replies"] == 1 and summary["accounting"]["rejected"] == 5
    [reply] = read_csv(out / "replies.csv")
    assert reply["context"] == "杯子是碎的" and reply["agent_id"] == "a9" and "dismissive" in reply["labels"]
    reasons = [r["reason"] for r in read_csv(out / "rejects.csv")]
    assert reasons[0].startswith("broken JSON line") and reasons[1] == "JSON line is not an object"
    assert reasons[-1] == "bad encoding: not UTF-8"


def test_gzip_csv_gives_the_same_results_as_plain_csv(tmp_path, model_dir):
    plain, plain_out = audit(tmp_path / "a" if (tmp_path / "a").mkdir() is None else None, model_dir,
                             (HEADER + GOOD_CHAT).encode())
    packed, packed_out = audit(tmp_path, model_dir, gzip.compress((HEADER + GOOD_CHAT).encode()), name="chats.csv.gz")
    assert read_csv(plain_out / "replies.csv") == read_csv(packed_out / "replies.csv")


def test_column_and_role_mapping(tmp_path, model_dir):
    content = ("会话ID,发送方,内容,时间,客服ID\n"
               "s1,顾客,\"三次了还没到!\",2026-03-01 10:00,\n"
               "s1,小二,好的亲,2026-03-01 10:01,wang\n").encode()
    summary, out = audit(tmp_path, model_dir, content,
                         columns={"chat_id": "会话ID", "role": "发送方", "text": "内容", "time": "时间", "agent_id": "客服ID"},
                         roles={"小二": "agent"})
    [reply] = read_csv(out / "replies.csv")
    assert reply["chat_id"] == "s1" and reply["agent_id"] == "wang" and reply["context"] == "三次了还没到!"
    assert summary["accounting"]["customer_messages"] == 1


@pytest.mark.parametrize("fields, plain", [
    (["c1", "agent", "好的亲", "2026-03-01 10:00", " a1 "], True),
    ([" c1 ", "customer", " 在吗 ", "", ""], True),
    (["c1", " AGENT ", "好的", "", "a1"], False),  # the role is known only in lower case
    (["c1", "agent", "好的", "", "a1", "\udcff"], False),  # undecodable bytes, but outside the mapped columns
    (["c1", "agent", "  ", "", "a1"], False),
    (["", "agent", "好的", "", "a1"], False),
    (["c1", "robot", "好的", "", "a1"], False),
    (["c1", "agent", "好\udcff的", "", "a1"], False),
])
def test_plain_rows_and_fully_checked_rows_give_the_same_message(fields, plain):
    rules = ChatLogRules()
    index = rules.header_index(HEADER.strip().split(","))
    checked = rules.message(7, {field: fields[i] for field, i in index.items()}, fields)
    quick = rules.plain_message(7, fields, index)
    assert (quick is not None) == plain
    assert (quick or checked) == checked
    assert isinstance(checked, Message) or checked.line == 7


def test_context_is_the_same_chats_preceding_customer_turn(tmp_path, model_dir):
    content = (HEADER +
               "A,customer,A的第一句,,\n"
               "B,customer,B的问题,,\n"
               "A,customer,A的第二句,,\n"
               "A,agent,回复A,,x\n"
               "B,agent,回复B,,x\n"
               "C,agent,没有人问过,,x\n"
               "A,agent,再回复A,,x\n"
               "A,customer,A的新问题,,\n"
               "A,agent,回复A的新问题,,x\n").encode()
    _, out = audit(tmp_path, model_dir, content)
    contexts = {r["text"]: r["context"] for r in read_csv(out / "replies.csv")}
    assert contexts == {"回复A": "A的第一句,A的第二句", "回复B": "B的问题", "没有人问过": "",
                        "再回复A": "A的第一句,A的第二句", "回复A的新问题": "A的新问题"}


def test_context_tracker_forgets_the_oldest_chat_past_its_limit():
    tracker = ContextTracker(max_chats=2)
    for chat in ("a", "b", "c"):
        tracker.customer(chat, f"{chat}?")
    assert tracker.agent("c").context == "c?" and tracker.agent("a").context == ""


def test_audit_results_equal_the_service(tmp_path, model_dir):
    from service import create_app
    _, out = audit(tmp_path, model_dir, (HEADER + GOOD_CHAT).encode())
    client = create_app({"MODEL_DIR": str(model_dir), "STATE_DIR": str(tmp_path / "state")}).test_client()
    rows = read_csv(out / "replies.csv")
    body = client.post("/classify", json={"items": [{"text": r["text"], "context": r["context"]} for r in rows]}).get_json()
    for row, result in zip(rows, body["results"]):
        assert (row["labels"].split("|") if row["labels"] else []) == result["labels"]
        assert [float(row[t]) for t in TONES] == [result["scores"][t] for t in TONES]
        assert json.loads(row["evidence"]) == result["evidence"]
        assert (row["flagged"] == "true") == result["flagged"]
    seed = next(r for r in rows if r["text"] == "😊😊")
    assert seed["flagged"] == "true" and seed["context"] == "裤子收到了,很薄很皱,版型也不好"


def test_two_jobs_give_the_same_output_as_one(tmp_path, model_dir):
    content = (HEADER + GOOD_CHAT * 40).encode()
    (tmp_path / "one").mkdir()
    _, one = audit(tmp_path / "one", model_dir, content, jobs=1, batch_size=7)
    _, two = audit(tmp_path, model_dir, content, jobs=2, batch_size=7)
    assert (one / "replies.csv").read_bytes() == (two / "replies.csv").read_bytes()
    first, second = ({k: v for k, v in json.loads((out / "summary.json").read_text(encoding="utf-8")).items()
                      if k != "source"} for out in (one, two))
    assert first == second


def test_summary_counts_tones_agents_days_and_complaints(tmp_path, model_dir):
    summary, _ = audit(tmp_path, model_dir, (HEADER + GOOD_CHAT).encode())
    assert summary["agent_replies"] == 3 and summary["flagged"] >= 1
    assert set(summary["per_agent"]) == {"a1", "a2"} and summary["per_agent"]["a1"]["replies"] == 2
    assert set(summary["per_day"]) == {"2026-03-01", "2026-03-02"}
    assert summary["tones"]["compensating"] >= 1 and set(summary["tones"]) == set(TONES)
    # 裤子…不好 is a complaint answered by 😊😊: flagged and without apology; 什么时候发货 is not a complaint
    assert summary["complaints"] == {"total": 1, "answered_flagged": 1, "answered_without_apology": 1, "mishandled": 1}
    assert summary["worst_replies"][0]["text"] == "😊😊"


def test_report_is_one_page_with_the_charts_and_tables(tmp_path, model_dir):
    _, out = audit(tmp_path, model_dir, (HEADER + GOOD_CHAT).encode())
    page = (out / "report.html").read_text(encoding="utf-8")
    for chart in ("chart-tone-mix", "chart-flag-rate-per-agent", "chart-flags-over-time"):
        assert f"<svg id='{chart}'" in page
    assert "<table id='table-worst-replies'>" in page and "<table id='table-per-agent'>" in page
    assert "<mark>" in page and "裤子收到了" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_an_interrupted_run_leaves_no_output(tmp_path, model_dir, monkeypatch):
    import audit.run as run

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "render_report", explode)
    with pytest.raises(KeyboardInterrupt):
        audit(tmp_path, model_dir, (HEADER + GOOD_CHAT).encode())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chats.csv"]


def test_a_rerun_replaces_the_old_output(tmp_path, model_dir):
    audit(tmp_path, model_dir, (HEADER + GOOD_CHAT).encode())
    summary, out = audit(tmp_path, model_dir, (HEADER + GOOD_CHAT.splitlines(True)[0]).encode())
    assert summary["accounting"]["rows_read"] == 1 and read_csv(out / "replies.csv") == []


@pytest.mark.parametrize("name, content, options, message", [
    ("none.csv", None, {}, "no such file"),
    ("chats.xlsx", b"x", {}, "cannot tell the format"),
    ("chats.csv", b"chat_id,who,text\nc,agent,hi\n", {}, "missing column role"),
    ("chats.csv", b"", {}, "empty"),
    ("chats.csv", HEADER.encode(), {"columns": {"speaker": "role"}}, "unknown field speaker"),
    ("chats.csv", HEADER.encode(), {"roles": {"bot": "robot"}}, "must map to customer or agent"),
])
def test_unusable_input_is_refused_with_a_message(tmp_path, model_dir, name, content, options, message):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(AuditInputError, match=message):
        run_audit(tmp_path / name, tmp_path / "out", model_dir, progress=None, **options)
    assert not (tmp_path / "out").exists()


def test_cli_help_and_errors(tmp_path, model_dir):
    run = lambda *args: subprocess.run([sys.executable, "-m", "audit", *args], cwd=ROOT, capture_output=True, text=True)
    assert "--columns" in run("--help").stdout
    missing = run("--in", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o"), "--model", str(model_dir))
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "c.csv").write_text(HEADER + GOOD_CHAT, encoding="utf-8")
    done = run("--in", str(tmp_path / "c.csv"), "--out", str(tmp_path / "o"), "--model", str(model_dir), "--jobs", "1")
    assert done.returncode == 0 and "rows read 5 = agent replies 3 + customer messages 2 + rejected 0" in done.stdout
    assert "rows/s" in done.stderr and "ETA" in done.stderr


def test_a_local_run_from_the_command_line_leaves_pandas_out(tmp_path, model_dir):
    (tmp_path / "c.csv").write_text(HEADER + GOOD_CHAT, encoding="utf-8")
    args = ["--in", str(tmp_path / "c.csv"), "--out", str(tmp_path / "o"), "--model", str(model_dir), "--quiet"]
    script = (f"import sys; from audit.__main__ import main; code = main({args!r}, without_pandas=True); "
              "print(code, sys.modules.get('pandas') is None)")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split()[-2:] == ["0", "True"], done.stderr
