"""The error answers each operation can give, written into the OpenAPI schema.

FastAPI documents only the success answer and 422. The other answers follow from the access
rule and the shape of each route, so they are derived here rather than repeated on every route:
401 everywhere (no key, or a revoked one), 403 where the rule leaves a role out, 404 where a
record or a jurisdiction is addressed, and 409, 413 and 429 on writes.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from api.access import RULES
from matcher.auth.models import Role

ERROR_SCHEMA = {"title": "Error", "type": "object", "required": ["detail"],
                "properties": {"detail": {"title": "Detail", "type": "string"}}}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def error_answers(route: APIRoute, method: str) -> dict[int, str]:
    """Status → description of the errors `method` on `route` can answer besides 422."""
    rule = RULES.get(route.name)
    answers = {401: "No API key where one is needed, or a key that is unknown or revoked."}
    if rule is None or rule.roles != frozenset(Role):
        answers[403] = "The key's role may not call this operation."
    params = {p.alias for p in route.dependant.query_params} | set(route.param_convertors)
    if route.param_convertors or "jurisdiction" in params:
        answers[404] = "No such record (or one this key may not see), or no such jurisdiction."
    if method in WRITES:
        answers[409] = ("The change conflicts with existing records: a unique field is taken, "
                        "others still refer to the record, or its state does not allow it.")
        answers[429] = "The key's write rate limit is reached; see the Retry-After header."
    if method in WRITES - {"DELETE"}:
        answers[413] = "The request body is larger than the server accepts."
    return answers


def install(app: FastAPI) -> None:
    """Make `app.openapi()` return the schema with every operation's error answers."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = FastAPI.openapi(app)  # FastAPI's own, stored in app.openapi_schema
        schema["components"]["schemas"]["Error"] = ERROR_SCHEMA
        for context in iter_route_contexts(app.routes):
            route = context.route
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            for method in route.methods or ():
                operation = schema["paths"][context.path_format][method.lower()]
                for status, description in error_answers(route, method).items():
                    operation["responses"].setdefault(str(status), {
                        "description": description,
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}}}})
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
