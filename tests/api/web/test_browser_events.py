"""In a real browser, an organiser of Bắc Giang runs a Techmart on the seeded site: creates the
event, imports participants (seed dossiers and needs), answers a meeting request, runs the
pairing and the scheduling, opens the grid and downloads an agenda; and no page of the journey
(nor the agenda) shows an enterprise's name or a confidential need's text."""

import json
import time
from pathlib import Path

import pytest
from sqlmodel import select

from matcher.events.models import MeetingRequest, Participant, ParticipantKind
from matcher.models import Enterprise, Need
from matcher.models.enums import Confidentiality
from matcher.platform.db import session_scope
from matcher.search.matches import DossierFilters
from tests.api.web.conftest import log_in, screenshot
from tests.conftest import SEED

pytestmark = pytest.mark.browser


def seed_secrets() -> list[str]:
    """Every seed enterprise's name, and every text of the seed's confidential needs."""
    names = [json.loads(line)["name"] for line in
             (SEED / "enterprises.jsonl").read_text(encoding="utf-8").splitlines() if line]
    needs = [json.loads(line) for line in
             (SEED / "needs.jsonl").read_text(encoding="utf-8").splitlines() if line]
    secret = [n[field] for n in needs if n["confidentiality"] == "confidential"
              for field in ("title", "problem", "desired_result") if n.get(field)]
    assert len(names) > 10 and len(secret) >= 3
    return names + secret


def participants_file(site, folder: Path) -> tuple[Path, dict]:
    """A CSV of three BG enterprises (each with a public need; organisation = the enterprise's
    name, as organisers register delegations) and the suppliers of the dossiers that match
    their needs best; and the confidential need of a BG enterprise, for later."""
    with session_scope(site.runtime.engine) as session:
        rows = session.exec(select(Need, Enterprise).where(
            Need.enterprise_id == Enterprise.id, Enterprise.jurisdiction == "BG")
            .order_by(Need.id)).all()  # type: ignore[arg-type]
        public, seen = [], set()
        for need, enterprise in rows:
            if need.confidentiality == Confidentiality.public and enterprise.id not in seen:
                public.append((need, enterprise))
                seen.add(enterprise.id)
        public = public[:3]
        secret = next((n, e) for n, e in rows if n.confidentiality == Confidentiality.confidential)
        dossiers: list[int] = []
        for need, _ in public:
            found = site.runtime.matches.for_need(session, need, DossierFilters(), limit=2)
            dossiers += [d.id for d in found.data if d.id not in dossiers][:1]
        lines = ["ref,kind,name,organisation,dossier_id,need_id,max_meetings"]
        lines += [f"S{i},supplier,Đoàn nhà cung cấp {i},,{d},,4" for i, d in enumerate(dossiers)]
        lines += [f"E{i},enterprise,Đoàn doanh nghiệp {i},\"{e.name}\",,{n.id},4"
                  for i, (n, e) in enumerate(public)]
        facts = {"secret_need": secret[0].id, "secret_enterprise": secret[1].id,
                 "secret_name": secret[1].name, "names": [e.name for _, e in public]}
    path = folder / "nguoi-tham-du.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, facts


def test_an_organiser_runs_a_techmart_and_never_sees_who_an_enterprise_is(page, site, tmp_path):
    seen: list[str] = []

    def keep() -> None:
        seen.append(page.content())

    log_in(page, site, "organiser")
    page.goto("/web/events")
    keep()
    page.get_by_role("link", name="Sự kiện mới").click()
    name = f"Techmart Bắc Giang thử nghiệm {time.monotonic_ns()}"
    page.get_by_label("Tên sự kiện").fill(name)
    page.get_by_label("Địa điểm").fill("Nhà văn hoá tỉnh Bắc Giang")
    page.get_by_label("Ngày bắt đầu").fill("2026-11-24")
    page.get_by_label("Ngày kết thúc").fill("2026-11-24")
    page.get_by_label("Số bàn gặp").fill("3")
    keep()
    page.get_by_role("button", name="Tạo sự kiện").click()
    page.wait_for_url("**/web/events/*")
    event_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert page.get_by_role("heading", name=name).is_visible()
    keep()

    path, facts = participants_file(site, tmp_path)
    page.get_by_label("Nhập người tham dự (CSV hoặc XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Nhập tệp").click()
    page.wait_for_url("**created=*")
    count = len(path.read_text(encoding="utf-8").splitlines()) - 1
    assert page.get_by_text(f"Đã nhập người tham dự: {count} mới, 0 cập nhật.").is_visible()
    keep()

    with session_scope(site.runtime.engine) as session:  # the Department's own registration,
        people = {p.ref: p for p in session.exec(  # and a request between two participants
            select(Participant).where(Participant.event_id == event_id))}
        session.add(Participant(event_id=event_id, ref="C1", kind=ParticipantKind.enterprise,
                                name="Đoàn khách mời", organisation=facts["secret_name"],
                                need_id=facts["secret_need"],
                                enterprise_id=facts["secret_enterprise"]))
        session.add(MeetingRequest(event_id=event_id, requester_id=people["E0"].id,
                                   target_id=people["S2"].id, reason="Muốn xem trình diễn"))
        e0 = people["E0"].id
    page.reload()
    keep()
    request_row = page.locator("#requests + .table-wrap tr", has_text="Muốn xem trình diễn")
    request_row.get_by_role("button", name="Chấp nhận").click()
    page.wait_for_url("**note=accepted*")
    assert page.get_by_text("Đã chấp nhận yêu cầu.").is_visible()
    keep()

    page.get_by_role("button", name="Chạy ghép cặp").click()
    page.wait_for_url("**paired=*")
    assert page.get_by_text("Đã ghép cặp.").is_visible()
    keep()
    page.get_by_role("button", name="Xếp lịch gặp").click()
    page.wait_for_url("**placed=*")
    assert page.get_by_text("Đã xếp lịch.").is_visible()
    assert page.locator("#meetings + .table-wrap").get_by_text("Đã xếp lịch").count() >= 1
    keep()
    screenshot(page, "event")

    page.get_by_role("link", name="Khung giờ × bàn").click()
    page.wait_for_url("**/grid")
    assert page.locator("td", has_text="↔").count() >= 1
    keep()
    screenshot(page, "event-grid")

    page.goto(f"/web/events/{event_id}")
    with page.expect_download() as info:
        page.locator(f"a[href$='/agenda/ics?participant={e0}']").click()
    calendar = Path(info.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VTIMEZONE" in calendar and "TZID:Asia/Ho_Chi_Minh" in calendar
    assert "BEGIN:VEVENT" in calendar and "Đoàn nhà cung cấp 2" in calendar  # the request
    assert info.value.suggested_filename.endswith(".ics")

    page.goto("/web/events")
    assert page.get_by_role("link", name=name).is_visible()
    keep()
    screenshot(page, "events")

    assert facts["names"][0] in path.read_text(encoding="utf-8")  # the file named them
    for secret in seed_secrets():
        for text in seen + [calendar]:
            assert secret not in text, f"the organiser was shown: {secret[:60]}"
