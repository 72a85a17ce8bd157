"""Where a dump goes and how its progress is shown, shared by the export and import commands.

A dump is written as bytes (the XML writers hand lxml a binary stream). `-` is the command's
standard output; anything else a file, written beside its final name and renamed into place
only when the whole dump is out, so a failed export never leaves a half file under the name.
Progress goes to standard error, and only when that is a terminal: a dump piped into gzip or
run from cron prints nothing but what it was asked for.
"""

from __future__ import annotations

import io
import os
from contextlib import contextmanager
from datetime import UTC, datetime, time
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.dateparse import parse_date, parse_datetime


class _TextSink(io.RawIOBase):
    """Bytes in, text out: standard output when a test hands the command a StringIO."""

    def __init__(self, text_stream):
        self._text = text_stream

    def writable(self):
        return True

    def write(self, data):
        self._text.write(bytes(data).decode("utf-8"))
        return len(data)


@contextmanager
def open_output(target: str, stdout):
    """A binary stream for `target` ("-": the command's standard output, `stdout`)."""
    if target == "-":
        raw = getattr(stdout, "_out", stdout)
        buffer = getattr(raw, "buffer", None)
        sink = buffer if buffer is not None else io.BufferedWriter(_TextSink(raw), 1 << 16)
        yield sink
        sink.flush()
        return
    path = Path(target)
    if not path.parent.is_dir():
        raise CommandError(f"{path.parent} is not a folder: cannot write {path.name} there.")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(partial, "wb") as stream:
            yield stream
        os.replace(partial, path)
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror or error}") from error
    finally:
        partial.unlink(missing_ok=True)


def parse_since(value: str | None) -> datetime | None:
    """`--since`: a date (midnight UTC) or an ISO date-time; CommandError when not one."""
    if not value:
        return None
    when = parse_datetime(value)
    if when is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since {value!r} is not a date: write it as 2024-01-31.")
        when = datetime.combine(day, time.min)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class Progress:
    """ "12,000 of 20,000 posts" on one line of standard error, on a terminal only."""

    def __init__(self, stderr, total: int, noun: str, *, every: int = 500):
        raw = getattr(stderr, "_out", stderr)
        self._stream = raw if getattr(raw, "isatty", lambda: False)() else None
        self.total, self.noun, self.every, self.done = total, noun, every, 0

    @property
    def shown(self) -> bool:
        return self._stream is not None

    def step(self, count: int = 1) -> None:
        self.done += count
        if self._stream is not None and (self.done % self.every == 0 or self.done == self.total):
            of = f" of {self.total:,}" if self.total else ""
            self._stream.write(f"\r{self.done:,}{of} {self.noun}")
            self._stream.flush()

    def finish(self) -> None:
        if self._stream is not None:
            self._stream.write("\n")
            self._stream.flush()
