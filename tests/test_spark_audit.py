"""The Spark engine gives the local audit's results on the same chat log, bad rows included.

The tests that start Spark are skipped when pyspark (requirements-spark.txt) or Java is missing;
`make test` installs pyspark when `java -version` works.
"""

import csv
import gzip
import json
import subprocess
import sys

import pytest

from audit.reader import AuditInputError
from audit.run import run_audit
from conftest import ROOT
from model import TONES

CSV_LOG = (
    "chat_id,role,text,time,agent_id\r\n"
    "c1,customer,\"裤子收到了,很薄很皱\",2026-03-01 10:00:00,\r\n"
    "c2,customer,什么时候发货,2026-03-01 11:00:00,\r\n"
    "c1,agent,😊😊,2026-03-01 10:00:30,a1\r\n"
    "c2,customer,\"还有,\r\n三天了还没到!\",2026-03-01 11:00:05,\r\n"     # a quoted line break (CRLF)
    "c2,agent,\"已发货,明天到\",2026-03-01 11:00:10,a2\n"
    "c2,agent,亲亲耐心等待哦,1772359210,a2\n"                            # two agent messages in a row, Unix time
    "c3,agent,没有人问过,,a3\n"                                          # no customer turn yet
    "c1,customer,你们什么态度,2026-03-02 08:59:00,\n"
    "c1,agent,\"非常抱歉,给您补发一件,运费我们承担\",2026-03-02 09:00:00,a1\n"
    "\n"                                                                  # a blank line: not a row
).encode() + (
    b"c4,customer,\xff\xfe broken bytes,2026-03-01,\n"                   # bad encoding
    b"c4,agent\n"                                                         # missing columns
    b"c4,agent,   ,2026-03-01,a1\n"                                       # empty text
    b",agent,hello,2026-03-01,a1\n"                                       # missing chat_id
    b"c4,robot,\xe4\xbd\xa0\xe5\xa5\xbd,2026-03-01,a1\n"                  # unknown role
    b"c4,agent,ok,2026-03-01,a1"                                          # no line end at the end
)
JSONL_LINES = [
    {"chat_id": "j1", "role": "customer", "text": "杯子是碎的", "time": "2026-03-01"},
    "{broken json",
    ["not", "an", "object"],
    {"chat_id": "j1", "role": "agent", "text": "亲,这个没办法呢", "agent_id": "a9", "time": "2026-03-01"},
    {"chat_id": "j1", "role": "agent", "text": 12},
    {"chat_id": "j1", "role": "agent"},
    {"chat_id": 7, "role": "买家", "text": "到底什么时候退款", "time": "2026/3/2"},
    {"chat_id": "7", "role": "客服", "text": "您好,已经为您加急处理了", "time": "2026/3/2", "agent_id": "a8"},
    {"chat_id": "j2", "role": "robot", "text": "hi"},
    {"chat_id": True, "role": "agent", "text": "hi"},
]


def _jsonl(lines) -> bytes:
    encoded = [line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines]
    return ("\n".join(encoded[:5]) + "\r\n\r\n" + "\r".join(encoded[5:])).encode() + b"\n" + \
        b'{"chat_id": "j3", "role": "agent", "text": "\xff bad bytes"}\n'


def _java_works() -> bool:
    try:
        return subprocess.run(["java", "-version"], capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.fixture(scope="module")
def pyspark():
    return pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -r requirements-spark.txt)")


@pytest.fixture(scope="module")
def spark(pyspark):
    if not _java_works():
        pytest.skip("no Java runtime (java -version fails); Spark needs Java 17 or later")
    from audit.spark_engine import spark_session

    with spark_session("local[2]") as session:
        yield session


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def both(tmp_path, model_dir, content: bytes, name: str, **options):
    """The local and the Spark audit of the same file: (local summary, local out, spark summary, spark out)."""
    from audit.spark_engine import run_spark_audit

    source = tmp_path / name
    source.write_bytes(content)
    local = run_audit(source, tmp_path / "local", model_dir, jobs=1, progress=None, **options)
    spark = run_spark_audit(source, tmp_path / "spark", model_dir, progress=None, **options)
    return local, tmp_path / "local", spark, tmp_path / "spark"


def assert_same(expected, actual, path="summary"):
    """Equal, floats to 1e-9."""
    if isinstance(expected, float):
        assert actual == pytest.approx(expected, abs=1e-9), path
    elif isinstance(expected, dict):
        assert list(actual) == list(expected), path
        for key in expected:
            assert_same(expected[key], actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), path
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_same(e, a, f"{path}[{i}]")
    else:
        assert actual == expected, path


def assert_same_replies(local_out, spark_out):
    local, spark = read_csv(local_out / "replies.csv"), read_csv(spark_out / "replies.csv")
    assert [list(r) for r in spark] == [list(r) for r in local]
    for expected, actual in zip(local, spark):
        assert {k: v for k, v in actual.items() if k not in TONES} == {k: v for k, v in expected.items() if k not in TONES}
        assert [float(actual[t]) for t in TONES] == pytest.approx([float(expected[t]) for t in TONES], abs=1e-9)


def test_a_csv_log_with_every_kind_of_bad_row_gives_the_local_results(spark, tmp_path, model_dir):
    local, local_out, summary, out = both(tmp_path, model_dir, CSV_LOG, "chats.csv")
    assert local["accounting"] == {**local["accounting"], "rows_read": 15, "rejected": 5, "balanced": True}
    assert_same(local, summary)
    assert_same(local, json.loads((out / "summary.json").read_text(encoding="utf-8")))
    assert_same_replies(local_out, out)
    assert (out / "rejects.csv").read_bytes() == (local_out / "rejects.csv").read_bytes()
    contexts = {r["text"]: r["context"] for r in read_csv(out / "replies.csv")}
    assert contexts["亲亲耐心等待哦"] == contexts["已发货,明天到"] == "什么时候发货,还有,\r\n三天了还没到!"
    assert contexts["没有人问过"] == "" and contexts["非常抱歉,给您补发一件,运费我们承担"] == "你们什么态度"
    assert sorted(p.name for p in out.iterdir()) == ["rejects.csv", "replies.csv", "replies.parquet", "report.html",
                                                     "summary.json"]


def test_replies_parquet_is_partitioned_by_day_and_holds_the_replies(spark, tmp_path, model_dir):
    _, _, _, out = both(tmp_path, model_dir, CSV_LOG, "chats.csv")
    days = sorted(p.name for p in (out / "replies.parquet").iterdir() if p.name.startswith("day="))
    assert days == ["day=2026-03-01", "day=2026-03-02", "day=unknown"]
    table = {r["line"]: r for r in spark.read.parquet(str(out / "replies.parquet")).collect()}
    for row in read_csv(out / "replies.csv"):
        stored = table[int(row["line"])]
        assert "|".join(stored["labels"]) == row["labels"] and (stored["text"], stored["context"]) == (row["text"], row["context"])
        assert [repr(stored[t]) for t in TONES] == [row[t] for t in TONES]
        assert dict(stored["evidence"]) == json.loads(row["evidence"])


def test_a_gzip_jsonl_log_with_broken_lines_gives_the_local_results(spark, tmp_path, model_dir):
    local, local_out, summary, out = both(tmp_path, model_dir, gzip.compress(_jsonl(JSONL_LINES)), "chats.jsonl.gz")
    assert local["accounting"]["rejected"] == 7 and local["agent_replies"] == 2
    assert_same(local, summary)
    assert_same_replies(local_out, out)
    assert (out / "rejects.csv").read_bytes() == (local_out / "rejects.csv").read_bytes()


def test_a_parquet_folder_gives_the_results_of_the_same_rows_as_jsonl(spark, tmp_path, model_dir):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from audit.spark_engine import run_spark_audit

    rows = [r for r in JSONL_LINES if isinstance(r, dict) and isinstance(r.get("text", ""), str)
            and not isinstance(r["chat_id"], bool)]
    rows = [{**r, "chat_id": str(r["chat_id"])} for r in rows] + [{"chat_id": "p1", "role": "agent", "text": "坏"}]
    columns = {name: pa.array([r.get(name) for r in rows], pa.string())
               for name in ("chat_id", "role", "text", "time", "agent_id")}
    texts = [r["text"].encode() if "text" in r else None for r in rows[:-1]] + [b"\xff\xfe"]  # not UTF-8
    columns["text"] = pa.array(texts, pa.binary()).view(pa.string())
    table = pa.table(columns)
    (tmp_path / "log.parquet").mkdir()
    pq.write_table(table.slice(0, 3), tmp_path / "log.parquet" / "part-00000.parquet")
    pq.write_table(table.slice(3), tmp_path / "log.parquet" / "part-00001.parquet")
    as_jsonl = b"\n".join(json.dumps(r, ensure_ascii=False).encode() for r in rows[:-1]) + \
        b'\n{"chat_id": "p1", "role": "agent", "text": "\xff\xfe"}\n'
    (tmp_path / "same.jsonl").write_bytes(as_jsonl)
    local = run_audit(tmp_path / "same.jsonl", tmp_path / "local", model_dir, jobs=1, progress=None)
    summary = run_spark_audit(tmp_path / "log.parquet", tmp_path / "spark", model_dir, progress=None)
    assert_same({**local, "source": ""}, {**summary, "source": ""})
    assert_same_replies(tmp_path / "local", tmp_path / "spark")
    rejects = [(r["line"], r["reason"]) for r in read_csv(tmp_path / "spark" / "rejects.csv")]
    assert rejects == [(r["line"], r["reason"]) for r in read_csv(tmp_path / "local" / "rejects.csv")]
    assert [reason for _, reason in rejects] == ["empty text", "unknown role 'robot'; map it with --roles",
                                                 "bad encoding: not UTF-8"]


def test_the_cli_runs_the_spark_engine_and_a_rerun_replaces_the_output(spark, tmp_path, model_dir, capsys):
    from audit.__main__ import main

    (tmp_path / "c.csv").write_bytes(CSV_LOG)
    args = ["--in", str(tmp_path / "c.csv"), "--out", str(tmp_path / "o"), "--model", str(model_dir), "--engine", "spark"]
    assert main(args) == 0 and main(args) == 0
    assert "rows read 15 = agent replies 6 + customer messages 4 + rejected 5" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "o"]


def test_an_interrupted_spark_run_leaves_no_output(spark, tmp_path, model_dir, monkeypatch):
    import audit.spark_engine as engine
    from audit.spark_engine import run_spark_audit

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "report_html", explode)
    (tmp_path / "c.csv").write_bytes(CSV_LOG)
    with pytest.raises(KeyboardInterrupt):
        run_spark_audit(tmp_path / "c.csv", tmp_path / "out", model_dir, progress=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]


@pytest.mark.parametrize("name, content, options, message", [
    ("none.csv", None, {}, "no such file"),
    ("chats.xlsx", b"x", {}, "cannot tell the format"),
    ("chats.csv", b"chat_id,who,text\nc,agent,hi\n", {}, "missing column role"),
    ("chats.csv", b"", {}, "empty"),
    ("chats.csv", gzip.compress(CSV_LOG), {}, "gzip-compressed"),
    ("chats.csv", CSV_LOG, {"columns": {"speaker": "role"}}, "unknown field speaker"),
])
def test_unusable_input_is_refused_like_the_local_audit(spark, tmp_path, model_dir, name, content, options, message):
    from audit.spark_engine import run_spark_audit

    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(AuditInputError, match=message):
        run_spark_audit(tmp_path / name, tmp_path / "out", model_dir, progress=None, **options)
    assert not (tmp_path / "out").exists()


def test_the_code_zip_for_spark_submit_loads_the_model(pyspark, tmp_path, model_dir):
    from audit.spark_ship import project_zip

    code = project_zip(tmp_path / "tone-check.zip")
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import model; assert '.zip' in model.__file__\n"
              "print(model.load_model(sys.argv[2]).predict(['😊😊'], ['裤子很薄'])[0]['flagged'])")
    run = subprocess.run([sys.executable, "-c", script, str(code), str(model_dir)], cwd=tmp_path, capture_output=True,
                         text=True)
    assert run.returncode == 0 and run.stdout.strip() == "True", run.stderr


def test_the_local_audit_and_the_service_do_not_import_pyspark():
    script = "import sys, audit.__main__, audit.run, service; print([m for m in sys.modules if m.startswith('pyspark')])"
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == "[]", run.stderr
