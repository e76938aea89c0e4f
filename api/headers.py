"""Security headers on every answer: no MIME sniffing, no referrer, no framing; and on HTML
pages (the web application, agendas, the grid, `/docs`) a content security policy: a page
loads only KetNoi's own resources, runs no inline script, and is never framed.
"""

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# `same-origin`: no referrer ever leaves for another site, while the site's own forms keep their
# `Origin` header (under `no-referrer` browsers send `Origin: null`, which the login form's
# cross-site check must refuse, as a page elsewhere can send it too).
EVERY_ANSWER = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                "X-Frame-Options": "DENY"}


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP answer (a route's own value wins)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_ANSWER.items():
                    headers.setdefault(name, value)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    """Add the headers to every answer of `app`, its pages and documentation included."""
    app.add_middleware(SecurityHeaders)
