"""Security headers on every answer: no MIME sniffing, no referrer, no framing; and on HTML
pages (agendas, the grid) a content security policy: a page loads only its own resources,
runs no script at all, and is never framed.

FastAPI's documentation pages (`/docs`, `/redoc`) load Swagger UI and ReDoc from a CDN and
start them with an inline script, so the strict policy would break them; they get one that
restricts framing, `<base>`, plug-ins and forms only, never what the page loads.
"""

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
DOCS_CSP = "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'"
EVERY_ANSWER = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                "X-Frame-Options": "DENY"}


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP answer (a route's own value wins)."""

    def __init__(self, app: ASGIApp, docs: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.docs = docs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_CSP if scope["path"] in self.docs else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_ANSWER.items():
                    headers.setdefault(name, value)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", policy)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    """Add the headers to every answer of `app`, its documentation pages included."""
    docs = frozenset(url for url in (app.docs_url, app.redoc_url,
                                     app.swagger_ui_oauth2_redirect_url) if url)
    app.add_middleware(SecurityHeaders, docs=docs)
