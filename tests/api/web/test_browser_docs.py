"""In a real browser with no internet: `/docs` draws Swagger UI from KetNoi's own files, under
the same content security policy as every page, and lists the API's operations."""

import pytest

pytestmark = pytest.mark.browser


def test_the_api_documentation_renders_offline(page, site):
    failures: list[str] = []
    page.on("requestfailed", lambda request: failures.append(request.url))
    page.on("console", lambda message: failures.append(message.text)
            if message.type == "error" else None)
    page.goto("/docs")
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert title.inner_text().startswith("KetNoi")
    assert page.locator(".opblock-summary-path", has_text="/search").count() >= 1
    assert not failures, failures  # nothing refused by the policy, nothing fetched elsewhere
