"""Every role reaches every page of its menu, on a phone's width (360 px): each page answers,
has a heading, and does not make the phone scroll sideways (wide tables scroll in their own
box). The admin's menu holds every page, as `ketnoi init`'s first admin must reach them all."""

import pytest

from api.web.access import PAGES
from api.web.render import MENU
from matcher.auth.models import Role
from tests.api.web.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_menu_page_opens_and_fits_a_phone(browser, site, role):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=site.url)
    phone = context.new_page()
    log_in(phone, site, role)
    menu = phone.get_by_role("navigation", name="Menu chính")
    links = menu.get_by_role("link")
    urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
    expected = [name for name, _ in MENU if Role(role) in PAGES[name]]
    assert len(urls) == len(expected), (urls, expected)
    for url in urls:
        answer = phone.goto(url)
        assert answer is not None and answer.status == 200, url
        assert phone.locator("h1").count() == 1, url
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} is {width} px wide for {role} on a 360 px screen"
    context.close()
