"""`python -m audit --engine spark`: the audit on Apache Spark, with the local audit's rules and outputs.

    read (audit.spark_input) -> chats: messages hashed by chat_id, sorted by chat and line
    -> contexts and classification (mapInPandas: ContextTracker, ToneModel.predict per Arrow batch)
    -> replies.parquet/day=YYYY-MM-DD/, partial Summaries summed on the driver, replies.csv (when under
       CSV_MAX_REPLIES rows), rejects.csv, summary.json, report.html

The output folder is written under a temporary name beside `out` and renamed into place when complete.
`out` and the input may be local paths or URIs the cluster reads (hdfs://, s3a://). One difference from
the local audit: the local ContextTracker forgets a chat after 200,000 others were active since; here a
chat's messages are grouped, so none is forgotten.
"""

from __future__ import annotations

import csv
import math
import os
import pickle
import sys
from collections import Counter
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from pyspark import Broadcast, StorageLevel
from pyspark.errors import PySparkRuntimeError
from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql import functions as F

from audit.classify import REPLY_COLUMNS, reply_row
from audit.report import report_html
from audit.run import BATCH_SIZE, REJECT_COLUMNS, summary_document, summary_json
from audit.save_rate import save_rate
from audit.spark_files import HadoopFiles
from audit.spark_input import read_chat_log
from audit.spark_ship import ship_code, ship_model
from audit.spark_tasks import RESULTS_DDL, SUMMARY_DDL, classify_chats, partial_summary, reply_and_result
from audit.summary import Summary
from feedback.store import FeedbackStore
from model import load_model

CSV_MAX_REPLIES = 1_000_000  # replies.csv is written (through the driver) only below this many replies
MESSAGES_PER_PARTITION = 50_000  # to classify
ROWS_PER_FETCH = 50_000  # to bring to the driver
LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
LOCAL_CONF = {  # for a Spark this process starts itself: modest memory, quiet logs, no web UI
    "spark.driver.memory": "1g",
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}",
}


class SparkUnavailable(RuntimeError):
    """Spark cannot start here (most often: no Java 17 or later)."""


def run_spark_audit(source: str | Path, out: str | Path, model_dir: Path, *, columns: dict | None = None,
                    roles: dict | None = None, file_format: str | None = None, master: str | None = None,
                    batch_size: int = BATCH_SIZE, progress: TextIO | None = sys.stderr,
                    feedback: FeedbackStore | None = None) -> dict:
    """Audit one chat log on Spark into `out` (replies.parquet/, replies.csv, rejects.csv, summary.json,
    report.html); return the summary, equal to the local audit's.

    `master` defaults to spark-submit's --master, else local[*]; a session that is already active is used as is.
    """
    model_version = load_model(model_dir).version
    saves = save_rate(feedback) if feedback else None
    with spark_session(master, progress) as spark:
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_size))
        ship_code(spark.sparkContext)
        files = HadoopFiles(spark)
        parsed = read_chat_log(spark, str(source), columns, roles, file_format).persist(StorageLevel.MEMORY_AND_DISK)
        target = files.qualified(str(out))
        staging = _sibling(target, f".{{}}.partial-{os.getpid()}")
        files.delete(staging)
        files.mkdirs(staging)
        try:
            counts = _counts(parsed)
            _say(progress, f"spark: {counts['rows_read']:,} rows read; classifying {counts['agent_replies']:,} replies")
            summary = _replies(files, staging, parsed, ship_model(spark.sparkContext, model_dir), counts, progress)
            rejects = _in_line_order(parsed.where(F.col("reason").isNotNull()).select(*REJECT_COLUMNS), counts["rejected"])
            _write_csv(files, f"{staging}/rejects.csv", REJECT_COLUMNS, (list(row) for row in rejects))
            result = summary_document(summary, saves, source=str(source), model_version=model_version,
                                      rows_read=counts["rows_read"], customer_messages=counts["customer_messages"],
                                      rejected=counts["rejected"], reject_reasons=counts["reasons"])
            for name, text in (("summary.json", summary_json(result)), ("report.html", report_html(result))):
                with files.open_text(f"{staging}/{name}") as stream:
                    stream.write(text)
            _replace(files, staging, target)
        except BaseException:
            files.delete(staging)
            raise
        finally:
            parsed.unpersist()
    return result


@contextmanager
def spark_session(master: str | None, progress: TextIO | None = None) -> Iterator[SparkSession]:
    """The active session as it is, or a new one, stopped at the end.

    When this process starts Spark itself (not under spark-submit), the master defaults to local[*]
    and LOCAL_CONF applies; executors run this Python.
    """
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    builder = SparkSession.builder.appName("tone-audit").config(
        "spark.ui.showConsoleProgress", "true" if progress is not None and progress.isatty() else "false")
    if "PYSPARK_GATEWAY_PORT" not in os.environ:  # set by spark-submit for the Python it runs
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.master(master or "local[*]")
        for key, value in LOCAL_CONF.items():
            builder = builder.config(key, value)
    elif master:
        builder = builder.master(master)
    try:
        spark = builder.getOrCreate()
    except PySparkRuntimeError as exc:
        raise SparkUnavailable(f"cannot start Spark; it needs Java 17 or later (`java -version`): {exc}") from None
    try:
        yield spark
    finally:
        spark.stop()


def _counts(parsed: DataFrame) -> dict:
    """Rows read, customer messages, agent replies, rejects, and reject reasons in order of first appearance."""
    groups = (parsed.groupBy("role", F.substring_index("reason", ":", 1).alias("reason"))
              .agg(F.count("*").alias("rows"), F.min("line").alias("first")).collect())
    roles: Counter = Counter()
    reasons: Counter = Counter()
    for group in sorted(groups, key=lambda g: g["first"]):
        if group["reason"] is None:
            roles[group["role"]] += group["rows"]
        else:
            reasons[group["reason"]] += group["rows"]
    return {"rows_read": sum(g["rows"] for g in groups), "customer_messages": roles["customer"],
            "agent_replies": roles["agent"], "rejected": sum(reasons.values()), "reasons": reasons}


def _replies(files: HadoopFiles, folder: str, parsed: DataFrame, model: Broadcast, counts: dict,
             progress: TextIO | None) -> Summary:
    """Classify the agent replies; write replies.parquet and (when small enough) replies.csv; sum their Summary."""
    messages = counts["customer_messages"] + counts["agent_replies"]
    partitions = max(2 * parsed.sparkSession.sparkContext.defaultParallelism, math.ceil(messages / MESSAGES_PER_PARTITION))
    results = (parsed.where(F.col("reason").isNull()).drop("reason", "raw")
               .repartition(partitions, "chat_id").sortWithinPartitions("chat_id", "line")
               .mapInPandas(partial(classify_chats, shipped=model), RESULTS_DDL)).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        (results.drop("first_reply_to_turn").repartition("day").sortWithinPartitions("line")
         .write.partitionBy("day").parquet(f"{folder}/replies.parquet"))
        summary = Summary()
        for part in results.mapInPandas(partial_summary, SUMMARY_DDL).collect():
            summary.merge(pickle.loads(part["summary"]))
        if summary.replies < CSV_MAX_REPLIES:
            rows = _in_line_order(results, summary.replies)
            _write_csv(files, f"{folder}/replies.csv", REPLY_COLUMNS, (reply_row(*reply_and_result(row)) for row in rows))
        else:
            _say(progress, f"spark: {summary.replies:,} replies, so no replies.csv: read replies.parquet")
        return summary
    finally:
        results.unpersist()


def _in_line_order(frame: DataFrame, rows: int) -> Iterator[Row]:
    """The rows sorted by line, fetched to the driver one range of at most ROWS_PER_FETCH rows at a time."""
    ranges = max(1, math.ceil(rows / ROWS_PER_FETCH))
    return frame.repartitionByRange(ranges, "line").sortWithinPartitions("line").toLocalIterator(True)


def _write_csv(files: HadoopFiles, path: str, header: list[str], rows: Iterable[list]) -> None:
    with files.open_text(path) as text:
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(rows)


def _replace(files: HadoopFiles, staging: str, target: str) -> None:
    """Put the finished folder in place of `target`; an old one is moved aside first, then removed."""
    if files.exists(target):
        retired = _sibling(target, f".{{}}.old-{os.getpid()}")
        files.rename(target, retired)
        files.rename(staging, target)
        files.delete(retired)
    else:
        files.rename(staging, target)


def _sibling(path: str, pattern: str) -> str:
    """The path beside `path` named by `pattern` with `path`'s name in its braces."""
    parent, _, name = path.rstrip("/").rpartition("/")
    return f"{parent}/{pattern.format(name)}"


def _say(progress: TextIO | None, line: str) -> None:
    if progress is not None:
        print(line, file=progress, flush=True)
