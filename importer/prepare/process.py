"""A stage's work in a process of its own, and the pipe it answers on. Pure: no Django.

On a machine with two cores, reading and preparing a big archive (parsing a listing, sanitising
an export) runs beside the importer's matching and the writer thread. `ChildProcess` starts
`target(*args, conn)` in a fresh interpreter and ends it on the way out, whatever happened;
the child runs its work inside `answering(conn)`. Messages are bytes, the first naming the kind:
b"R" a chunk, b"E" the end, b"X" a failure. Used by `listing.ParsingProcess` and
`records.PreparingProcess`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class ChildProcess:
    """`with ChildProcess(target, args, name) as child:` then `child.receive()` for each message."""

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

    def receive(self) -> tuple[bytes, bytes]:
        """The next message's kind and body. EOFError: the child ended before its last word."""
        message = self._receive.recv_bytes()
        return message[:1], message[1:]


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
