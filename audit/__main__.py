"""`make audit`: audit an exported chat log.

    python -m audit --in chats.csv --out audit-report/ [--columns chat_id=会话ID,role=发送方,text=内容]
                    [--roles 买家=customer,客服=agent] [--jobs 2] [--model models/current]
                    [--engine spark [--master local[*]]]

Input: CSV or JSONL, optionally .gz, one message per row in order within each chat, with columns
chat_id, role, text and optionally time, agent_id. Output folder: replies.csv, rejects.csv,
summary.json and report.html, written to a temporary folder and renamed into place when complete.
With --engine spark (pip install -r requirements-spark.txt; Java 17): the same on Apache Spark, also
reading Parquet and writing replies.parquet/day=YYYY-MM-DD/ (see audit/spark_engine.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path

from audit.reader import AuditInputError, parse_mapping
from feedback.store import FeedbackStore, default_url


def main(argv: list[str] | None = None, *, without_pandas: bool = False) -> int:
    """The command; `without_pandas` (set when run as ``python -m audit``) keeps pandas out of a local run.

    The local engine never uses pandas, but scikit-learn imports it whenever it is installed (it is, with
    the Spark extra), at about 65 MB per process, and the audit's forked workers each count it again.
    So the model is imported only once the engine is known, after pandas has been blocked.
    """
    parser = argparse.ArgumentParser(prog="python -m audit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--in", dest="source", required=True,
                        help="the chat log (.csv/.jsonl, optionally .gz; with --engine spark also .parquet or a folder)")
    parser.add_argument("--out", default="audit-report", help="the output folder (replaced when done)")
    parser.add_argument("--model", type=Path, default=Path("models/current"), help="the model directory")
    parser.add_argument("--columns", help="field=column pairs for other column names, e.g. chat_id=会话ID,text=内容")
    parser.add_argument("--roles", help="value=customer|agent pairs for other role values, e.g. 顾客=customer")
    parser.add_argument("--format", choices=["csv", "jsonl", "parquet"], help="the input format when the name does not tell")
    parser.add_argument("--engine", choices=["local", "spark"], default="local",
                        help="local: processes on this machine (default); spark: Apache Spark")
    parser.add_argument("--master", help="with --engine spark: the Spark master URL (default local[*], or spark-submit's)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="classifier processes")
    parser.add_argument("--batch-size", type=int, help="replies per classification batch (default: audit.run.BATCH_SIZE)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--feedback", default=os.environ.get("TONE_FEEDBACK_URL", ""),
                        help="feedback database URL for the save rate (default: the service's store in "
                             "$TONE_STATE_DIR or var/, when it exists)")
    args = parser.parse_args(argv)
    if args.jobs < 1 or (args.batch_size is not None and args.batch_size < 1):
        parser.error("--jobs and --batch-size must be at least 1")
    store_file = Path(os.environ.get("TONE_STATE_DIR", "var")) / "feedback.sqlite3"
    feedback_url = args.feedback or (default_url(store_file.parent) if store_file.exists() else "")
    if without_pandas and args.engine == "local":
        sys.modules.setdefault("pandas", None)  # from here on, `import pandas` raises ImportError
    from audit.run import run_audit
    from model import ModelLoadError

    run = partial(run_audit, Path(args.source), Path(args.out), jobs=args.jobs)
    refusals: tuple[type[Exception], ...] = (AuditInputError, ModelLoadError)
    if args.engine == "spark":
        try:
            from audit.spark_engine import SparkUnavailable, run_spark_audit  # imports pyspark: only when asked for
        except ImportError as exc:
            print(f"error: --engine spark needs pip install -r requirements-spark.txt ({exc})", file=sys.stderr)
            return 2
        run = partial(run_spark_audit, args.source, args.out, master=args.master)
        refusals += (SparkUnavailable,)
    elif args.format == "parquet":
        parser.error("Parquet input needs --engine spark")
    try:
        summary = run(args.model, columns=parse_mapping(args.columns, "--columns"),
                      roles=parse_mapping(args.roles, "--roles"), file_format=args.format,
                      progress=None if args.quiet else sys.stderr,
                      feedback=FeedbackStore(feedback_url) if feedback_url else None,
                      **({"batch_size": args.batch_size} if args.batch_size else {}))
    except refusals as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: no output was written", file=sys.stderr)
        return 130
    print(f"{summary['accounting']['line']}; flagged {summary['flagged']:,} of {summary['agent_replies']:,} replies "
          f"({summary['flag_rate']:.1%}); wrote {args.out}/ ({'replies.parquet, ' if args.engine == 'spark' else ''}"
          f"replies.csv, rejects.csv, summary.json, report.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main(without_pandas=True))
