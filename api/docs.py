"""The API's interactive documentation at `/docs`, working offline: Swagger UI's files come
from the `fastapi-offline` package (Swagger UI 5, which reads OpenAPI 3.1) and are served by
KetNoi itself (FastAPI's own page loads them from a CDN, so it stays blank on a machine without
internet). The page starts Swagger UI from a script file, not an inline one, so the strict
content security policy applies to it too (a browser test checks that it renders under it).
"""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>KetNoi API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve `/docs` (mount before the web application's `/static`)."""
    app.mount("/static/swagger", StaticFiles(directory=SWAGGER_UI), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(PAGE)
