"""A small HTTP/1.1 load generator for loopback benchmarks: a fixed number of keep-alive connections, each sending
the next request of a shared plan as soon as its previous answer is in (a closed loop), timing every request from
the first byte written to the last byte read. Plain asyncio sockets, so the generator costs little of the
machine it shares with the server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    after: tuple[int, ...] = ()  # indexes of requests whose answers must be in before this one is sent

    def encode(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(self.body)}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


@dataclass
class Answer:
    status: int
    body: bytes
    started: float  # perf_counter when the request was written
    finished: float  # perf_counter when the whole answer was read

    @property
    def latency_ms(self) -> float:
        return (self.finished - self.started) * 1000


@dataclass
class Run:
    answers: list[Answer | None]  # by the request's index in the plan; None: no answer (connection failure)
    started: float
    finished: float
    errors: list[str] = field(default_factory=list)
    reconnects: int = 0


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    close = False
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection" and value.strip().lower() == "close":
            close = True
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    else:
        body = await reader.readexactly(length) if length else b""
    return status, body, close


async def _run(host: str, port: int, plan: Sequence[Request], connections: int, timeout: float) -> Run:
    payloads = [request.encode(f"{host}:{port}") for request in plan]
    answers: list[Answer | None] = [None] * len(plan)
    cursor = iter(range(len(plan)))
    run = Run(answers=answers, started=0.0, finished=0.0)
    answered = {index: asyncio.Event() for request in plan for index in request.after}

    async def connection() -> None:
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        for index in cursor:
            for prerequisite in plan[index].after:
                await answered[prerequisite].wait()
            for attempt in range(3):
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    assert reader is not None
                    started = time.perf_counter()
                    writer.write(payloads[index])
                    status, body, close = await asyncio.wait_for(_read_answer(reader), timeout)
                    answers[index] = Answer(status, body, started, time.perf_counter())
                    if close:
                        writer.close()
                        reader = writer = None
                    break
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    run.reconnects += 1
                    if attempt == 2:
                        run.errors.append(f"request {index}: {type(error).__name__}: {error}")
            if index in answered:
                answered[index].set()
        if writer is not None:
            writer.close()

    run.started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    run.finished = time.perf_counter()
    return run


def run_plan(
    plan: Sequence[Request], *, host: str = "127.0.0.1", port: int, connections: int, timeout: float = 30.0
) -> Run:
    """Send every request of `plan` over `connections` keep-alive connections; answers come back by index. A
    request with `after` waits (holding its connection) until those requests have been answered.

    A request whose connection broke is sent again on a new connection (up to three times), as a browser or an
    app retries: the server must treat the repeat as the same submission."""
    return asyncio.run(_run(host, port, plan, connections, timeout))


def throughput_windows(answers: Sequence[Answer | None], *, start: float, seconds: float) -> list[float]:
    """Answers completed per second in consecutive windows of `seconds` from `start` (the last partial window
    dropped)."""
    finished = sorted(a.finished for a in answers if a is not None)
    if not finished:
        return []
    windows: list[float] = []
    edge = start + seconds
    count = 0
    for moment in finished:
        while moment >= edge:
            windows.append(count / seconds)
            count = 0
            edge += seconds
        count += 1
    return windows
