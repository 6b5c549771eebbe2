"""Reading a chat log into Spark as parsed rows: messages and rejects, numbered as the local reader numbers them.

- JSONL (plain or .gz) is split across tasks: Spark cuts the file into lines at "\\r", "\\n" and
  "\\r\\n" as Python does; a line's number is the count of lines in the blocks before its own plus its
  place in its block (a first pass counts the lines of each block).
- CSV is read as "\\n"-separated records, put back in file order in one task and parsed there by the
  local reader's CSV rules, because a quoted field may span lines (Spark's own multi-line CSV reader
  cannot split such a file either). Contexts and classification, where the time goes, are parallel.
- Parquet (a file or a folder of part files): a row's number counts from 1 over the part files in
  name order; a required column missing from the schema is refused like a missing CSV column.

Text is read as bytes and decoded on the executors with ``surrogateescape``, so that bytes that are
not UTF-8 are rejected as the local reader rejects them.
"""

from __future__ import annotations

import io
from functools import partial
from pathlib import PurePosixPath

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from audit.reader import AuditInputError, ChatLogRules, format_of
from audit.spark_files import HadoopFiles
from audit.spark_tasks import PARSED_DDL, BlockStarts, parse_csv, parse_jsonl, parse_table

HEAD_BYTES = 1 << 16  # enough of a CSV file to check its header on the driver
GZIP_MAGIC = b"\x1f\x8b"


def read_chat_log(spark: SparkSession, source: str, columns: dict | None, roles: dict | None,
                  file_format: str | None) -> DataFrame:
    """Every row of the chat log as a message or a reject (columns: line, chat_id, role, text, time,
    agent_id, reason, raw; `reason` is set on rejects only). Refuses unusable input like the local reader."""
    files = HadoopFiles(spark)
    if not files.exists(source):
        raise AuditInputError(f"{source}: no such file")
    folder = files.is_dir(source)
    kind = file_format or ("parquet" if folder or source.lower().endswith(".parquet") else format_of(PurePosixPath(source)))
    rules = ChatLogRules(columns, roles, source)
    if kind == "parquet":
        return _parquet(spark, source, rules)
    if folder:
        raise AuditInputError(f"{source}: is a folder; a folder is read as Parquet part files (--format parquet)")
    head = files.head(source, HEAD_BYTES)
    if head.startswith(GZIP_MAGIC):
        raise AuditInputError(f"{source}: is gzip-compressed; Spark decompresses by name, so name it {source}.gz")
    if kind == "csv":
        next(rules.csv_rows(io.StringIO(head.decode("utf-8", "surrogateescape"), newline="")), None)  # checks the header
        return _csv(spark, source, rules)
    return _jsonl(spark, source, rules)


def _lines(spark: SparkSession, source: str, **options: str) -> DataFrame:
    """The file's lines as raw bytes, with the offset of the block they were read from and an id that
    grows with their place in it."""
    return spark.read.options(**options).text(source).select(
        F.col("value").cast("binary").alias("raw"), F.col("_metadata.file_block_start").alias("block"),
        F.monotonically_increasing_id().alias("seq"))


def _jsonl(spark: SparkSession, source: str, rules: ChatLogRules) -> DataFrame:
    lines = _lines(spark, source)
    counts = lines.groupBy("block").agg(F.min("seq").alias("first"), F.count("*").alias("lines")).orderBy("block")
    starts: BlockStarts = {}
    line = 1
    for block in counts.collect():
        starts[block["block"]] = (block["first"], line)
        line += block["lines"]
    return lines.mapInArrow(partial(parse_jsonl, rules=rules, starts=starts), PARSED_DDL)


def _csv(spark: SparkSession, source: str, rules: ChatLogRules) -> DataFrame:
    return (_lines(spark, source, lineSep="\n").repartition(1).sortWithinPartitions("block", "seq")
            .mapInArrow(partial(parse_csv, rules=rules), PARSED_DDL))


def _parquet(spark: SparkSession, source: str, rules: ChatLogRules) -> DataFrame:
    table = spark.read.parquet(source)
    types = dict(table.dtypes)
    names = {field: table.columns[i] for field, i in rules.header_index(table.columns).items()}
    rows = table.select(
        *((F.col(f"`{name}`").cast("binary") if types[name] == "string" else F.col(f"`{name}`")).alias(field)
          for field, name in names.items()),
        F.col("_metadata.file_path").alias("file"), F.col("_metadata.row_index").alias("index"))
    starts, line = {}, 1
    for part in rows.groupBy("file").count().orderBy("file").collect():
        starts[part["file"]] = line
        line += part["count"]
    return rows.mapInArrow(partial(parse_table, rules=rules, starts=starts), PARSED_DDL)
