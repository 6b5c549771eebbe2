"""The audit run: read, attach contexts, classify in batches, write the output folder atomically."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TextIO

from audit.chats import ContextTracker
from audit.classify import REPLY_COLUMNS, BatchClassifier
from audit.reader import ChatLogReader, Message, Reject
from audit.report import render_report
from audit.save_rate import save_rate
from audit.summary import Reply, Summary
from feedback.store import FeedbackStore
from model.artifact import replace_folder

REJECT_COLUMNS = ["line", "reason", "raw"]
BATCH_SIZE = 2000


class Progress:
    """A progress line on stderr: rows, rows/s, share of the file read and ETA."""

    def __init__(self, reader: ChatLogReader, stream: TextIO | None) -> None:
        self.reader, self.stream = reader, stream
        self.started = self.shown = time.monotonic()
        self.live = bool(stream and stream.isatty())

    def update(self, rows: int, final: bool = False) -> None:
        now = time.monotonic()
        if self.stream is None or (not final and now - self.shown < (0.5 if self.live else 5.0)):
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-9)
        done = min(self.reader.bytes_read() / self.reader.size, 1.0) if self.reader.size else 1.0
        eta = elapsed * (1 - done) / done if done > 0 else 0.0
        bar = "#" * int(done * 30)
        line = (f"[{bar:<30}] {done:5.1%}  {rows:,} rows  {rows / elapsed:,.0f} rows/s  "
                f"ETA {int(eta) // 60}:{int(eta) % 60:02d}")
        self.stream.write(("\r" + line if self.live else line + "\n") + ("\n" if final and self.live else ""))
        self.stream.flush()


def run_audit(source: Path, out: Path, model_dir: Path, *, columns: dict | None = None, roles: dict | None = None,
              file_format: str | None = None, jobs: int = 2, batch_size: int = BATCH_SIZE,
              progress: TextIO | None = sys.stderr, feedback: FeedbackStore | None = None) -> dict:
    """Audit one chat log into `out` (replies.csv, rejects.csv, summary.json, report.html); return the summary.

    With a `feedback` store that holds verdicts on flagged replies, the summary also gives the save rate.
    """
    reader = ChatLogReader(source, columns, roles, file_format)
    staging = out.with_name(f".{out.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with BatchClassifier(model_dir, jobs) as classifier:
            summary = _audit_into(staging, reader, classifier, batch_size, Progress(reader, progress),
                                  save_rate(feedback) if feedback else None)
        render_report(summary, staging / "report.html")
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary


def _audit_into(folder: Path, reader: ChatLogReader, classifier: BatchClassifier, batch_size: int,
                progress: Progress, saves: dict | None) -> dict:
    tracker, summary = ContextTracker(), Summary()
    rows_read = customers = rejected = 0
    reasons: Counter = Counter()
    batch: list[Reply] = []
    with (folder / "replies.csv").open("w", encoding="utf-8", newline="") as replies_file, \
            (folder / "rejects.csv").open("w", encoding="utf-8", newline="") as rejects_file:
        replies_out, rejects_out = csv.writer(replies_file), csv.writer(rejects_file)
        replies_out.writerow(REPLY_COLUMNS)
        rejects_out.writerow(REJECT_COLUMNS)

        def write(rows: str, part: Summary) -> None:
            replies_file.write(rows)
            summary.merge(part)

        def flush() -> None:
            for outcome in classifier.submit(list(batch)):
                write(*outcome)
            batch.clear()

        for row in reader:
            rows_read += 1
            if isinstance(row, Reject):
                rejected += 1
                reasons[row.reason.split(":")[0]] += 1
                rejects_out.writerow([row.line, row.reason, row.raw])
            elif row.role == "customer":
                customers += 1
                tracker.customer(row.chat_id, row.text)
            else:
                batch.append(_reply(row, tracker))
                if len(batch) >= batch_size:
                    flush()
            if rows_read % 10_000 == 0:
                progress.update(rows_read)
        if batch:
            flush()
        for outcome in classifier.drain():
            write(*outcome)
        progress.update(rows_read, final=True)
    result = summary_document(summary, saves, source=str(reader.path), model_version=classifier.model.version,
                              rows_read=rows_read, customer_messages=customers, rejected=rejected, reject_reasons=reasons)
    (folder / "summary.json").write_text(summary_json(result), encoding="utf-8")
    return result


def summary_document(summary: Summary, saves: dict | None, **figures) -> dict:
    """summary.json's content: the figures (see `Summary.to_dict`), the save rate when known, the worst replies."""
    result = summary.to_dict(**figures)
    if saves:
        result["save_rate"] = saves
    result["worst_replies"] = summary.worst()
    return result


def summary_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def _reply(message: Message, tracker: ContextTracker) -> Reply:
    context = tracker.agent(message.chat_id)
    return Reply(line=message.line, chat_id=message.chat_id, time=message.time, agent_id=message.agent_id,
                 text=message.text, context=context.context, first_reply_to_turn=context.first_reply_to_turn)

