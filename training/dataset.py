"""Reading labeled data in the guide's JSONL format, with errors that name the file and line."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.labels import TONES


class DataError(ValueError):
    """A labeled file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    context: str
    reply: str
    labels: tuple[str, ...]
    where: str  # "file:line"
    channel: str = ""  # the optional tag (jd, weibo, phone, ...) that the model ignores


def data_files(path: str | Path) -> list[Path]:
    """The JSONL files of a data path: the file itself, or every ``*.jsonl`` below a folder, sorted."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.rglob("*.jsonl"))
        if not files:
            raise DataError(f"{path}: no .jsonl files in this folder")
        return files
    if not path.is_file():
        raise DataError(f"{path}: no such file or folder")
    return [path]


def read_examples(path: str | Path) -> list[Example]:
    """All examples of a data path; the first bad line stops with a `DataError`."""
    return [example for file in data_files(path) for example in _read_file(file)]


def _read_file(file: Path) -> list[Example]:
    examples = []
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DataError(f"{file}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    for number, line in enumerate(lines, 1):
        if line.strip():
            examples.append(_parse(line, f"{file}:{number}"))
    return examples


def _parse(line: str, where: str) -> Example:
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise DataError(f"{where}: not a JSON line ({exc.msg})") from None
    if not isinstance(row, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(row).__name__}")
    reply, context, labels = row.get("reply"), row.get("context", ""), row.get("labels")
    if not isinstance(reply, str) or not reply.strip():
        raise DataError(f"{where}: 'reply' is missing or empty")
    if context is None:
        context = ""
    if not isinstance(context, str):
        raise DataError(f"{where}: 'context' must be a string")
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise DataError(f"{where}: 'labels' must be a list of tone names")
    unknown = sorted(set(labels) - set(TONES))
    if unknown:
        raise DataError(f"{where}: unknown label {', '.join(map(repr, unknown))} (known: {', '.join(TONES)})")
    channel = row.get("channel")
    return Example(context=context, reply=reply, labels=tuple(t for t in TONES if t in labels), where=where,
                   channel=channel if isinstance(channel, str) else "")


def read_unlabeled(path: Path) -> list[tuple[str, str]]:
    """``(reply, context)`` of every line of a JSONL file of unlabeled replies (``reply``, optional ``context``),
    such as ``../shared/corpora/replies.jsonl``; a `DataError` names the first bad line."""
    if not path.is_file():
        raise DataError(f"{path} is not a file")
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            reply, context = row["reply"], row.get("context") or ""
        except (ValueError, KeyError, TypeError, AttributeError):
            reply = context = None
        if not isinstance(reply, str) or not isinstance(context, str):
            raise DataError(f"{path}:{number}: not a JSON object with a 'reply' string (and a 'context' string or none)")
        pairs.append((reply, context))
    return pairs


def label_matrix(examples: list[Example]) -> np.ndarray:
    """The 0/1 indicator matrix ``(examples, tones)``."""
    return np.array([[int(t in e.labels) for t in TONES] for e in examples], dtype=np.int64).reshape(-1, len(TONES))


def data_hash(path: str | Path) -> str:
    """SHA-256 over the data files' names and bytes, in order."""
    digest = hashlib.sha256()
    for file in data_files(path):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()
