"""Streaming chat-log rows from CSV or JSONL files, plain or gzip-compressed.

Every physical row comes out either as a `Message` or as a `Reject` with its line number and reason,
so that the audit can account for every row it read.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path, PurePath
from typing import BinaryIO, Iterable, Iterator, NamedTuple

REQUIRED = ("chat_id", "role", "text")
OPTIONAL = ("time", "agent_id")
DEFAULT_ROLES = {
    "customer": "customer", "agent": "agent", "买家": "customer", "客服": "agent",
    "user": "customer", "staff": "agent", "顾客": "customer", "客户": "customer", "buyer": "customer",
    "seller": "agent",
}
csv.field_size_limit(1 << 24)


class AuditInputError(ValueError):
    """The input as a whole cannot be read (missing file, unknown format, missing columns)."""


class Message(NamedTuple):
    line: int
    chat_id: str
    role: str  # "customer" or "agent"
    text: str
    time: str
    agent_id: str


class Reject(NamedTuple):
    line: int
    reason: str
    raw: str


def parse_mapping(spec: str | None, what: str) -> dict[str, str]:
    """``"a=b,c=d"`` -> ``{"a": "b", "c": "d"}``; an empty or missing spec gives ``{}``."""
    mapping = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise AuditInputError(f"{what}: {part!r} is not name=value")
        mapping[key.strip()] = value.strip()
    return mapping


class ChatLogRules:
    """How the rows of a chat log become `Message`s and `Reject`s: column and role mapping and validation.

    It opens no file, so that the Spark engine applies the very same rules on its executors.
    """

    def __init__(self, columns: dict[str, str] | None = None, roles: dict[str, str] | None = None,
                 name: str = "") -> None:
        self.name = name  # the input, for error messages
        unknown = set(columns or {}) - set(REQUIRED + OPTIONAL)
        if unknown:
            raise AuditInputError(f"--columns: unknown field {', '.join(sorted(unknown))}; "
                                  f"fields are {', '.join(REQUIRED + OPTIONAL)}")
        self.columns = {field: (columns or {}).get(field, field) for field in REQUIRED + OPTIONAL}
        self.roles = {**DEFAULT_ROLES, **{k: v for k, v in (roles or {}).items()}}
        bad_roles = {v for v in self.roles.values() if v not in ("customer", "agent")}
        if bad_roles:
            raise AuditInputError(f"--roles: a role must map to customer or agent, not {', '.join(sorted(bad_roles))}")

    def header_index(self, header: list[str]) -> dict[str, int]:
        """Each field's position in a header row (or a table's column names); refuses a missing required column."""
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [f"{f} (column {self.columns[f]!r})" for f in REQUIRED if self.columns[f] not in header]
        if missing:
            raise AuditInputError(f"{self.name}: missing column {', '.join(missing)}; the header has "
                                  f"{', '.join(header)}; map other names with --columns")
        return {field: header.index(name) for field, name in self.columns.items() if name in header}

    def csv_rows(self, lines: Iterable[str]) -> Iterator[Message | Reject]:
        """The rows of CSV text given as lines with their line ends (as a file opened with ``newline=""``)."""
        reader = csv.reader(lines)
        try:
            header = next(reader)
        except StopIteration:
            raise AuditInputError(f"{self.name}: the file is empty (no header row)") from None
        except csv.Error as exc:
            raise AuditInputError(f"{self.name}: not a readable CSV file: {exc}") from None
        index = self.header_index(header)
        line = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = reader.line_num
                yield Reject(line, f"broken CSV row: {exc}", "")
                continue
            start, line = line + 1, reader.line_num
            if not fields:
                continue
            if len(fields) < len(header):
                yield Reject(start, f"row has {len(fields)} fields; the header has {len(header)}", _clip(fields))
                continue
            yield self.plain_message(start, fields, index) or \
                self.message(start, {f: fields[i] for f, i in index.items()}, fields)

    def plain_message(self, line: int, fields: list[str], index: dict[str, int]) -> Message | None:
        """The `Message` of a CSV row that passes every check at first sight (a known role as given, non-blank
        chat id and text, all UTF-8), else None: `message` then decides, and says why when it refuses.

        Most rows of a log are such rows, and this costs under half of the full checks."""
        role = self.roles.get(fields[index["role"]].strip())
        chat_id, text = fields[index["chat_id"]].strip(), fields[index["text"]]
        if role is None or not chat_id or not text.strip() or _UNDECODED.search("".join(fields)):
            return None
        time, agent_id = index.get("time"), index.get("agent_id")
        return Message(line, chat_id, role, text, "" if time is None else fields[time].strip(),
                       "" if agent_id is None else fields[agent_id].strip())

    def jsonl_row(self, line: int, raw: str) -> Message | Reject | None:
        """One line of JSONL; None for a blank line."""
        if not raw.strip():
            return None
        if _has_bad_bytes(raw):
            return Reject(line, "bad encoding: not UTF-8", _clip(raw))
        try:
            record = json.loads(raw)
        except ValueError as exc:
            return Reject(line, f"broken JSON line: {exc.msg}", _clip(raw))
        if not isinstance(record, dict):
            return Reject(line, "JSON line is not an object", _clip(raw))
        return self.message(line, {field: record.get(name) for field, name in self.columns.items()}, raw)

    def message(self, line: int, values: dict, raw: str | list[str]) -> Message | Reject:
        """One row's field values as a `Message`, or a `Reject` saying why not (`raw`: the row as read)."""
        if _has_bad_bytes("".join(v for v in values.values() if isinstance(v, str))):
            return Reject(line, "bad encoding: not UTF-8", _clip(raw))
        for field in REQUIRED:
            value = values.get(field)
            if value is None or (isinstance(value, str) and not value.strip()):
                reason = "empty text" if field == "text" else f"missing {field}"
                return Reject(line, reason, _clip(raw))
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                return Reject(line, f"{field} is not text", _clip(raw))
        if not isinstance(values["text"], str):
            return Reject(line, "text is not text", _clip(raw))
        given_role = str(values["role"]).strip()
        role = self.roles.get(given_role) or self.roles.get(given_role.lower())
        if role is None:
            return Reject(line, f"unknown role {given_role[:40]!r}; map it with --roles", _clip(raw))
        return Message(line, str(values["chat_id"]).strip(), role, values["text"],
                       _text(values.get("time")), _text(values.get("agent_id")))


class ChatLogReader(ChatLogRules):
    """Reads one chat-log file; iterate it for `Message`s and `Reject`s in file order."""

    def __init__(self, path: str | Path, columns: dict[str, str] | None = None,
                 roles: dict[str, str] | None = None, file_format: str | None = None) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise AuditInputError(f"{self.path}: no such file")
        self.format = file_format or format_of(self.path)
        super().__init__(columns, roles, str(self.path))
        self.size = self.path.stat().st_size
        self._raw: BinaryIO | None = None

    def bytes_read(self) -> int:
        """How far into the file (compressed bytes for gzip) the reader is, for progress and ETA."""
        return self._raw.tell() if self._raw and not self._raw.closed else self.size

    def __iter__(self) -> Iterator[Message | Reject]:
        with self.path.open("rb") as raw:
            self._raw = raw
            stream: BinaryIO = gzip.GzipFile(fileobj=raw) if _is_gzip(raw) else raw
            text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
            try:
                if self.format == "jsonl":
                    yield from filter(None, (self.jsonl_row(line, raw) for line, raw in enumerate(text, 1)))
                else:
                    yield from self.csv_rows(text)
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                raise AuditInputError(f"{self.path}: cannot read past this point: {exc}") from None


def format_of(path: PurePath) -> str:
    """csv or jsonl, told by the file name (a .gz ending aside)."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    kind = suffixes[-1] if suffixes else ""
    if kind in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if kind in (".csv", ".tsv", ".txt") and kind != ".tsv":
        return "csv"
    raise AuditInputError(f"{path}: cannot tell the format from the name; use .csv or .jsonl (optionally .gz), "
                          f"or say --format csv|jsonl")


def _is_gzip(raw: BinaryIO) -> bool:
    magic = raw.read(2)
    raw.seek(0)
    return magic == b"\x1f\x8b"


# Bytes that were not UTF-8 (kept by ``surrogateescape``), or a lone surrogate escaped in JSON ("\ud800"):
# neither is text that can be written out again.
_UNDECODED = re.compile("[\ud800-\udfff]")


def _has_bad_bytes(value: str) -> bool:
    return _UNDECODED.search(value) is not None


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _clip(raw: str | list[str]) -> str:
    """The row as text for rejects.csv: CSV fields re-joined, undecodable bytes as '?', at most 300 chars."""
    text = ",".join(raw) if isinstance(raw, list) else raw
    return text.encode("utf-8", "replace").decode("utf-8")[:300].rstrip("\r\n")
