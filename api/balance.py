"""Spread solving requests over the worker processes of ``serve --workers N``.

The workers share one listening socket, and a client that keeps its connection open stays
with the worker that accepted it: under load one worker can hold every connection while the
others idle. With several workers, the answer to a ``POST`` (the requests that solve) closes
its connection (``Connection: close``), so the client's next request is accepted by whichever
worker takes it first — a busy one is slower to accept. Reads keep their connections.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class CloseAfterSolve:
    """ASGI middleware: ``Connection: close`` on the answers to ``POST`` requests."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)
