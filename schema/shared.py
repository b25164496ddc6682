"""One execution of a live change for every subscriber that asked the same thing.

A broker hands one ``Delivery`` to every subscriber of a topic (``api.live``), and the subscription resolvers turn
it into one payload object for all of them (``schema.live``). Subscribers that also sent the same document, the
same operation and the same variables, with the same role, would get the same answer: ``SharedEvents`` executes
the payload's selection once and hands the result to the rest (a delivery to a thousand subscribers over twenty
filters costs twenty executions, not a thousand). The payload carries the results in ``shared_results``, so
they live as long as the delivery does.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Hashable
from typing import Any

import orjson
from graphql import ExecutionResult, OperationType

from schema.errors import masked
from schema.internals import CompletionHook
from schema.selection import variable_values


class SharedEvents(CompletionHook):
    """An executor that shares a subscription event's result among identical subscriptions."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        if self.operation.operation is not OperationType.SUBSCRIPTION:
            return super().execute_operation(serially)
        results = getattr(self.root_value, "shared_results", None)
        if results is None:
            return _masked(super().execute_operation(serially))
        key = self._event_key()
        found = results.get(key)
        if found is None:
            done = _masked(super().execute_operation(serially))
            if not inspect.isawaitable(done):
                results[key] = done
                return done
            # Held as a task: a subscriber reaching this event while the first one's execution runs waits for it.
            found = results[key] = asyncio.ensure_future(done)
        return found if isinstance(found, ExecutionResult) else _await(found)

    def _event_key(self) -> Hashable:
        operation = self.operation
        source = operation.loc.source.body if operation.loc is not None else id(operation)
        role = getattr(self.context_value, "known_role", lambda: None)()
        # The coerced values as a plain dict (inputs are dataclasses and enums, which orjson writes itself; the
        # VariableValues tuple around them would go through repr, a cost per subscriber and event).
        variables = orjson.dumps(variable_values(self.variable_values), option=orjson.OPT_SORT_KEYS, default=str)
        return (source, operation.name.value if operation.name else None, variables, role)


def _masked(done: Any) -> Any:
    """An event's result with its errors masked (``schema.errors.masked``), once for every subscriber sharing it:
    the schema's ``PublicErrors`` masks queries and mutations as they end, and has no hook per streamed result."""
    if inspect.isawaitable(done):
        return _masked_later(done)
    if done.errors:
        done.errors = masked(done.errors)
    return done


async def _masked_later(done: Any) -> Any:
    return _masked(await done)


async def _await(task: asyncio.Future[ExecutionResult]) -> ExecutionResult:
    return await asyncio.shield(task)
