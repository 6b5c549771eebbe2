"""Files for the Spark engine through Hadoop's FileSystem, so that inputs and the output folder may be
local paths or any URI the cluster reads (hdfs://, s3a://, ...)."""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Iterator, TextIO

from pyspark.sql import SparkSession

WRITE_BUFFER = 1 << 20


class _HadoopOutput(io.RawIOBase):
    """A Hadoop output stream as a Python binary stream (each write crosses to the JVM)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._stream.write(bytes(data))
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._stream.close()
        super().close()


class HadoopFiles:
    """The few file operations the engine needs, on paths as Spark sees them."""

    def __init__(self, spark: SparkSession) -> None:
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _fs(self, path: str):
        jpath = self._jvm.org.apache.hadoop.fs.Path(path)
        fs = jpath.getFileSystem(self._conf)
        fs.setWriteChecksum(False)  # no .crc files beside the outputs on a local disk
        return fs, jpath

    def qualified(self, path: str) -> str:
        """The absolute URI of `path` (a relative local path is taken from the working directory)."""
        fs, jpath = self._fs(path)
        return fs.makeQualified(jpath).toString()

    def exists(self, path: str) -> bool:
        fs, jpath = self._fs(path)
        return fs.exists(jpath)

    def is_dir(self, path: str) -> bool:
        fs, jpath = self._fs(path)
        return fs.exists(jpath) and fs.getFileStatus(jpath).isDirectory()

    def mkdirs(self, path: str) -> None:
        fs, jpath = self._fs(path)
        fs.mkdirs(jpath)

    def delete(self, path: str) -> None:
        fs, jpath = self._fs(path)
        fs.delete(jpath, True)

    def rename(self, source: str, target: str) -> None:
        fs, jsource = self._fs(source)
        if not fs.rename(jsource, self._jvm.org.apache.hadoop.fs.Path(target)):
            raise OSError(f"cannot rename {source} to {target}")

    def head(self, path: str, size: int) -> bytes:
        """The first `size` bytes of a file, decompressed when its name says so (.gz), as Spark reads it."""
        fs, jpath = self._fs(path)
        stream = fs.open(jpath)
        codec = self._jvm.org.apache.hadoop.io.compress.CompressionCodecFactory(self._conf).getCodec(jpath)
        if codec is not None:
            stream = codec.createInputStream(stream)
        try:
            return bytes(stream.readNBytes(size))
        finally:
            stream.close()

    @contextmanager
    def open_text(self, path: str) -> Iterator[TextIO]:
        """A new UTF-8 text file to write, with line ends as written (like ``open(..., newline="")``)."""
        fs, jpath = self._fs(path)
        text = io.TextIOWrapper(io.BufferedWriter(_HadoopOutput(fs.create(jpath, True)), WRITE_BUFFER),
                                encoding="utf-8", newline="")
        with text:
            yield text
