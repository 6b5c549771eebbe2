"""What the Spark engine's executors run, one partition at a time over Arrow batches.

Parsing applies the local reader's rules (`ChatLogRules`) to raw lines or table rows; contexts come
from the local `ContextTracker` over each chat's messages in line order; classification is the one
`ToneModel.predict` over whole batches; partial `Summary`s are summed on the driver.
"""

from __future__ import annotations

import io
import pickle
from itertools import islice
from typing import Iterable, Iterator, Mapping

import pandas as pd
import pyarrow as pa
from pyspark import Broadcast

from audit.chats import ContextTracker
from audit.reader import OPTIONAL, REQUIRED, ChatLogRules, Message, Reject
from audit.spark_ship import executor_model
from audit.summary import Reply, Summary, day_of
from model import TONES, ToneResult

PARSED = pa.schema([("line", pa.int64()), ("chat_id", pa.string()), ("role", pa.string()), ("text", pa.string()),
                    ("time", pa.string()), ("agent_id", pa.string()), ("reason", pa.string()), ("raw", pa.string())])
PARSED_DDL = ", ".join(f"{field.name} {'long' if field.type == pa.int64() else 'string'}" for field in PARSED)
RESULTS_DDL = ("line long, chat_id string, time string, agent_id string, text string, context string, "
               "first_reply_to_turn boolean, labels array<string>, " + ", ".join(f"{t} double" for t in TONES) +
               ", flagged boolean, evidence map<string, array<string>>, day string")
SUMMARY_DDL = "summary binary"
ROWS_PER_BATCH = 5000

BlockStarts = Mapping[int, tuple[int, int]]  # block offset -> (its first row's id, its first line number)


def parse_jsonl(batches: Iterator[pa.RecordBatch], rules: ChatLogRules, starts: BlockStarts) -> Iterator[pa.RecordBatch]:
    """Raw JSONL lines (raw, block, seq) -> parsed rows; a line's number is its block's first line plus its place."""
    for batch in batches:
        rows = []
        for raw, block, seq in zip(*(batch.column(name).to_pylist() for name in ("raw", "block", "seq"))):
            first_seq, first_line = starts[block]
            row = rules.jsonl_row(first_line + seq - first_seq, raw.decode("utf-8", "surrogateescape"))
            if row is not None:
                rows.append(row)
        yield _parsed(rows)


def parse_csv(batches: Iterator[pa.RecordBatch], rules: ChatLogRules) -> Iterator[pa.RecordBatch]:
    """All of a CSV file's "\\n"-separated records, in order in one partition -> parsed rows.

    Each record gets its "\\n" back and is split on "\\r" as a file opened with ``newline=""`` would be,
    so the local reader's CSV rules see the same lines, quoted line breaks included.
    """
    lines = (line for batch in batches for raw in batch.column("raw").to_pylist()
             for line in io.StringIO(raw.decode("utf-8", "surrogateescape") + "\n", newline=""))
    rows = rules.csv_rows(lines)
    while chunk := list(islice(rows, ROWS_PER_BATCH)):
        yield _parsed(chunk)


def parse_table(batches: Iterator[pa.RecordBatch], rules: ChatLogRules,
                starts: Mapping[str, int]) -> Iterator[pa.RecordBatch]:
    """Parquet rows (the mapped fields, text columns as bytes, file, index) -> parsed rows numbered from 1."""
    for batch in batches:
        columns = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        fields = [f for f in REQUIRED + OPTIONAL if f in columns]
        rows = []
        for i, (file, index) in enumerate(zip(columns["file"], columns["index"])):
            values = {f: _decoded(columns[f][i]) for f in fields}
            raw = ["" if v is None else str(v) for v in values.values()]
            rows.append(rules.message(starts[file] + index, values, raw))
        yield _parsed(rows)


def classify_chats(frames: Iterator[pd.DataFrame], shipped: Broadcast) -> Iterator[pd.DataFrame]:
    """Messages of whole chats, sorted by chat and line -> each agent reply with its context and tones."""
    model = executor_model(shipped)
    tracker = ContextTracker()
    for frame in frames:
        replies = list(_with_contexts(frame, tracker))
        if replies:
            results = model.predict([r.text for r in replies], [r.context for r in replies])
            yield _results(replies, results)


def partial_summary(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Classified replies -> one pickled `Summary` of them."""
    summary = Summary()
    for frame in frames:
        for record in frame.to_dict("records"):
            summary.add(*reply_and_result(record))
    yield pd.DataFrame({"summary": [pickle.dumps(summary)]})


def reply_and_result(record: Mapping) -> tuple[Reply, ToneResult]:
    """A row of the results (a pandas record or a Spark Row) as the local audit's `Reply` and `ToneResult`."""
    labels = list(record["labels"])
    reply = Reply(line=int(record["line"]), chat_id=record["chat_id"], time=record["time"],
                  agent_id=record["agent_id"], text=record["text"], context=record["context"],
                  first_reply_to_turn=bool(record["first_reply_to_turn"]))
    return reply, ToneResult(labels=labels, scores={t: float(record[t]) for t in TONES}, flagged=bool(record["flagged"]),
                             evidence={t: list(record["evidence"][t]) for t in labels})


def _with_contexts(frame: pd.DataFrame, tracker: ContextTracker) -> Iterable[Reply]:
    for line, chat_id, role, text, time, agent_id in zip(frame["line"], frame["chat_id"], frame["role"], frame["text"],
                                                         frame["time"], frame["agent_id"]):
        if role == "customer":
            tracker.customer(chat_id, text)
        else:
            context = tracker.agent(chat_id)
            yield Reply(line=int(line), chat_id=chat_id, time=time, agent_id=agent_id, text=text,
                        context=context.context, first_reply_to_turn=context.first_reply_to_turn)


def _results(replies: list[Reply], results: list[ToneResult]) -> pd.DataFrame:
    return pd.DataFrame({
        "line": [r.line for r in replies], "chat_id": [r.chat_id for r in replies], "time": [r.time for r in replies],
        "agent_id": [r.agent_id for r in replies], "text": [r.text for r in replies],
        "context": [r.context for r in replies], "first_reply_to_turn": [r.first_reply_to_turn for r in replies],
        "labels": [r["labels"] for r in results], **{t: [r["scores"][t] for r in results] for t in TONES},
        "flagged": [r["flagged"] for r in results], "evidence": [r["evidence"] for r in results],
        "day": [day_of(r.time) for r in replies],
    })


def _parsed(rows: list[Message | Reject]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist([
        {"line": r.line, "reason": r.reason, "raw": r.raw} if isinstance(r, Reject) else
        {"line": r.line, "chat_id": r.chat_id, "role": r.role, "text": r.text, "time": r.time, "agent_id": r.agent_id}
        for r in rows], schema=PARSED)


def _decoded(value):
    """Text columns arrive as bytes, so that bytes that are not UTF-8 are seen (as the local reader sees them)."""
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value
