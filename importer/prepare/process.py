"""A stage's work in a process of its own, and the pipe it answers on. Pure: no Django.

On a machine with two cores, reading and preparing a big archive (parsing a listing, sanitising
an export) runs beside the importer's matching and the writer thread. `ChildProcess` starts
`target(*args, conn)` in a fresh interpreter and ends it on the way out, whatever happened;
the child runs its work inside `answering(conn)` and speaks through `send_chunk`, `send_end`
and `send_failure`. Messages are bytes, the first naming the kind: b"R" a chunk, b"E" the end
(a pickled value), b"X" a failure (pickled arguments of the parent's error). The parent reads
them with `ChildProcess.chunk_bodies`. Used by `listing.ParsingProcess` and
`records.PreparingProcess`, which say what a chunk holds, what the end brings and which error a
failure is.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class ChildProcess:
    """`with Subclass(...) as child:` then `for body in child.chunk_bodies():`. A subclass gives
    `failure(*args)`, the exception for the child's b"X" (and for a child that ended before its
    last word, with `ENDED_EARLY`), and `ended(value)`, told what the b"E" brought."""

    ENDED_EARLY: tuple = ("the child process ended early",)

    def __init__(self, target: Callable, args: tuple, name: str):
        # "spawn": a fresh interpreter, with no database connection or threads inherited, as a
        # fork would carry.
        context = multiprocessing.get_context("spawn")
        self._receive, self._send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=target, args=(*args, self._send), name=name, daemon=True
        )

    def __enter__(self):
        self._process.start()
        self._send.close()  # the child holds its end; the pipe breaks when the child ends
        return self

    def __exit__(self, *exc) -> None:
        self._receive.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def chunk_bodies(self) -> Iterator[bytes]:
        """The body of each chunk the child sends, in order, until its end."""
        while True:
            try:
                message = self._receive.recv_bytes()
            except EOFError:
                raise self.failure(*self.ENDED_EARLY) from None
            kind, body = message[:1], message[1:]
            if kind == b"R":
                yield body
            elif kind == b"E":
                self.ended(pickle.loads(body))
                return
            else:
                raise self.failure(*pickle.loads(body))

    def failure(self, *args) -> Exception:
        raise NotImplementedError

    def ended(self, value) -> None:
        pass


def send_chunk(conn, body: bytes) -> None:
    conn.send_bytes(b"R" + body)


def send_end(conn, value) -> None:
    conn.send_bytes(b"E" + pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def send_failure(conn, *args) -> None:
    """Arguments of the parent's `failure`: the file cannot be opened, read or parsed."""
    conn.send_bytes(b"X" + pickle.dumps(args))


@contextmanager
def answering(conn) -> Iterator[None]:
    """The child's side: the pipe is closed at the end, and an importer that stopped (Ctrl-C
    reaches both processes, or the pipe broke) is not the child's to report."""
    try:
        yield
    except (KeyboardInterrupt, BrokenPipeError):
        pass
    finally:
        conn.close()
