"""What every answer carries for the browser's safety, and HEAD wherever GET is answered.

:class:`SafeHeaders` gives every response a Content-Security-Policy, ``X-Frame-Options: DENY``,
``X-Content-Type-Options: nosniff`` and a ``Referrer-Policy``. The policy allows scripts and
styles from the server itself and, inline, exactly the report's ``<style>`` and ``<script>``
(by their hashes, :func:`articulation.outputs.heatmap.inline_code`) and the pages' status
colours in ``style`` attributes (by hash, ``'unsafe-hashes'``): nothing else inline, so an
injected script or style would not run. A route whose page needs a policy of its own (the API
docs) sets it, and the middleware keeps it: Swagger UI's inline script by its hash; Redoc,
which makes its styles as it runs (before any nonce could reach them), may apply inline
styles, its scripts as bound as everywhere else.

:class:`HeadAsGet` answers ``HEAD`` as the same request with ``GET`` would be answered: the
same status and headers, no body.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from articulation.messages.status import STATUS
from articulation.outputs.heatmap import inline_code

#: The ``style`` attributes the pages write: a status's colour (or the unknown one's grey).
PAGE_STYLE_ATTRIBUTES = tuple(
    sorted({f"--status: {s.colour}" for s in STATUS.values()} | {"--status: #999"})
)
_INLINE = re.compile(r"<(style|script)>(.*?)</\1>", re.DOTALL)


def csp_hash(text: str) -> str:
    """The CSP hash source of an inline script, style or style attribute.

    >>> csp_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(
    scripts: Iterable[str] = (), styles: Iterable[str] = (), *, styles_made_by_script: bool = False
) -> str:
    """The Content-Security-Policy allowing the inline ``scripts`` and ``styles`` given, by
    their hashes, with the report's and the pages' own. ``styles_made_by_script``: a page whose
    script makes its styles as it runs (Redoc) may apply any style; its scripts stay bound."""
    report = inline_code()
    script_hashes = sorted({csp_hash(s) for s in (*_of(report, "script"), *scripts)})
    style_hashes = sorted({csp_hash(s) for s in (*_of(report, "style"), *styles)})
    if styles_made_by_script:
        style_hashes = ["'unsafe-inline'"]  # hashes would disable it
    attributes = [csp_hash(a) for a in PAGE_STYLE_ATTRIBUTES]
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *script_hashes]),
            " ".join(["style-src 'self'", *style_hashes]),
            " ".join(["style-src-attr 'unsafe-hashes'", *attributes]),
            "img-src 'self' data:",
            "worker-src 'self' blob:",  # Redoc's search runs in a worker it makes
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _of(found: Iterable[tuple[str, str]], kind: str) -> list[str]:
    return [text for k, text in found if k == kind]


def policy_for_page(html: str, *, styles_made_by_script: bool = False) -> str:
    """The policy of a page whose own inline ``<script>`` and ``<style>`` elements are fixed
    text (no data in them), such as the API docs: those allowed by hash, nothing else."""
    found = [(m.group(1), m.group(2)) for m in _INLINE.finditer(html)]
    return policy(
        scripts=_of(found, "script"),
        styles=_of(found, "style"),
        styles_made_by_script=styles_made_by_script,
    )


class SafeHeaders:
    """ASGI middleware: the safety headers on every response (a route's own
    Content-Security-Policy is kept)."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.headers = [
            (b"content-security-policy", policy().encode("ascii")),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class HeadAsGet:
    """ASGI middleware: a ``HEAD`` request is answered as its ``GET`` would be, without the
    body (the ``Content-Length`` stays that of the body not sent)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headless(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headless)
