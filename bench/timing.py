"""The timing the in-process benchmarks share: a call timed N times after W warm-ups, and its printed line.

``timed(call, runs, warmups, tally)`` awaits ``call`` ``warmups + runs`` times, timing each with
``time.perf_counter``, and returns p50 (the median), p99 (``statistics.quantiles(n=100, method="inclusive")``:
interpolated between the slowest runs) and max over the timed runs in ms, with the SQL statements per call when given
the app's tally (``app.state.statements``), and the last call's result. ``line(timing)`` is the printed
``p50 … ms  p99 … ms  max … ms  N SQL``; ``stop_on_errors`` is a ``check`` for GraphQL answers.

Used by bench/buckets.py, bench/span_counts.py, bench/exports.py and bench/network.py (bench/filters.py times its
requests round-robin over servers, failures included, with nearest-rank percentiles: a table of its own).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import httpx

T = TypeVar("T")


class Tally(Protocol):
    """What counts the SQL statements an app sent (``schema.context.StatementTally``)."""

    sent: int


@dataclass(frozen=True)
class Timing(Generic[T]):
    """The timed runs of one call (ms); its SQL statements per call (None: not counted); its last result."""

    p50: float
    p99: float
    max: float
    statements: float | None
    last: T


async def timed(
    call: Callable[[], Awaitable[T]],
    runs: int,
    warmups: int = 1,
    tally: Tally | None = None,
    check: Callable[[T], None] | None = None,
) -> Timing[T]:
    """Await ``call`` ``warmups`` times (left out of the numbers), then ``runs`` times, timed and counted.

    ``check`` sees every result (warm-ups too) after its timing stops; it raises to stop the benchmark. The
    statements per call are the mean over the timed runs.
    """
    times: list[float] = []
    sent = 0
    for run in range(warmups + runs):
        before = tally.sent if tally is not None else 0
        started = time.perf_counter()
        result = await call()
        elapsed = (time.perf_counter() - started) * 1000
        if run >= warmups:
            times.append(elapsed)
            sent += tally.sent - before if tally is not None else 0
        if check is not None:
            check(result)
    p99 = statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]
    per_call = sent / runs if tally is not None else None
    return Timing(statistics.median(times), p99, max(times), per_call, result)


def stop_on_errors(name: str, response: httpx.Response) -> None:
    """A ``check`` for GraphQL requests: stop the benchmark when one was answered with errors."""
    body = response.json()
    if body.get("errors"):
        raise SystemExit(f"{name}: {body['errors']}")


def line(timing: Timing[Any], width: int = 8, unit: str = "SQL") -> str:
    """``p50 … ms  p99 … ms  max … ms`` (``width`` wide, one decimal), then ``N SQL`` (``unit``) when counted."""
    out = f"p50 {timing.p50:{width}.1f} ms  p99 {timing.p99:{width}.1f} ms  max {timing.max:{width}.1f} ms"
    if timing.statements is not None:
        out += f"  {round(timing.statements, 1):g} {unit}"
    return out
