"""The event pages through TestClient: the list and a new event, the event page as each role
may see it (organisers never see an enterprise's name or a confidential need), importing
participants, answering requests, pairing and scheduling, the grid, agendas and outcomes, and
the access rules (another province's event reads as a missing one)."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.deps import get_matches
from matcher.events.models import (
    Event,
    EventCreate,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Participant,
)
from matcher.models import Enterprise
from matcher.models.enums import Confidentiality
from matcher.platform.runtime import Runtime
from tests.api.web.conftest import login
from tests.matcher.events.test_candidates import FakeMatches
from tests.matcher.events.world import World, build_world, event_payload

SECRET = "Bí mật: dây chuyền mạ kẽm nhúng nóng của nhà máy Đông Sơn"


@pytest.fixture
def world(web: TestClient, runtime: Runtime) -> Iterator[World]:
    """A BG event with 3 suppliers and 4 enterprises whose organisation is the enterprise's
    name; the last enterprise's need is confidential. The matcher is a stand-in."""
    with runtime.session() as session:
        found = build_world(session, suppliers=3, enterprises=4, slots=4, tables=2)
        for person in found.enterprises:
            enterprise = session.get(Enterprise, person.enterprise_id)
            assert enterprise is not None
            person.organisation = enterprise.name
            session.add(person)
        secret = found.needs[-1]
        secret.confidentiality, secret.title = Confidentiality.confidential, SECRET
        session.add(secret)
        session.commit()
        for record in [found.event, *found.suppliers, *found.enterprises, *found.needs,
                       *found.dossiers]:
            session.refresh(record)
        session.expunge_all()
    web.app.dependency_overrides[get_matches] = lambda: FakeMatches(  # type: ignore[attr-defined]
        {need.id: {d.id: 0.5 + 0.1 * i for i, d in enumerate(found.dossiers)}
         for need in found.needs})
    yield found
    web.app.dependency_overrides.clear()  # type: ignore[attr-defined]


def other_event(runtime: Runtime, jurisdiction: str = "HP") -> int:
    with runtime.session() as session:
        event = Event.model_validate(EventCreate.model_validate(
            event_payload(name=f"Techmart {jurisdiction}", jurisdiction=jurisdiction)))
        session.add(event)
        session.commit()
        assert event.id is not None
        return event.id


def names_of_enterprises(runtime: Runtime) -> list[str]:
    with runtime.session() as session:
        return [e.name for e in session.exec(select(Enterprise)).all()]


def test_the_list_shows_the_events_of_the_organisers_province(web, runtime, world):
    hp = other_event(runtime)
    login(web, runtime, "organiser")
    text = web.get("/web/events").text
    assert "Techmart Bắc Giang 2026" in text and f"/web/events/{world.event.id}" in text
    assert "Techmart HP" not in text and f"/web/events/{hp}\"" not in text
    login(web, runtime, "admin")
    assert "Techmart HP" in web.get("/web/events").text


def test_an_organiser_creates_an_event_in_its_own_province(web, runtime):
    token = login(web, runtime, "organiser")
    form = web.get("/web/events/new").text
    assert 'value="Asia/Ho_Chi_Minh"' in form and '<label for="f-slot_starts">' in form
    answer = web.post("/web/events", data={
        "csrf_token": token, "name": "Techmart Lục Ngạn", "jurisdiction": "HP",
        "venue": "Nhà văn hoá", "starts_on": "24/11/2026", "ends_on": "2026-11-25",
        "meeting_minutes": "30", "slot_starts": "09:00\n09:30\n25/11/2026 14:00",
        "table_count": "5", "timezone": "Asia/Ho_Chi_Minh"})
    assert answer.status_code == 303, answer.text
    event_id = int(answer.headers["location"].rsplit("/", 1)[1])
    with runtime.session() as session:
        event = session.get(Event, event_id)
        assert event is not None and event.jurisdiction == "BG"  # its own, not the one sent
        assert event.slot_starts == ["2026-11-24T09:00", "2026-11-24T09:30",
                                     "2026-11-25T14:00"]
    page = web.get(answer.headers["location"]).text
    assert "Techmart Lục Ngạn" in page and "24/11/2026 – 25/11/2026" in page


def error_at(text: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="e-{field}" role="alert">([^<]*)</p>', text)
    assert found, f"no error at {field}"
    return found.group(1)


def test_event_form_errors_are_next_to_their_fields_in_vietnamese(web, runtime):
    token = login(web, runtime, "organiser")
    base = {"csrf_token": token, "name": "Techmart", "starts_on": "2026-11-24",
            "ends_on": "2026-11-24", "meeting_minutes": "30", "table_count": "5",
            "slot_starts": "09:00\n09:30", "timezone": "Asia/Ho_Chi_Minh"}
    answer = web.post("/web/events", data={**base, "name": "", "table_count": "0"})
    assert answer.status_code == 422
    assert error_at(answer.text, "name") == "Trường này là bắt buộc."
    assert error_at(answer.text, "table_count") == "Phải từ 1 trở lên."
    assert 'id="f-name" name="name" type="text" value="" required aria-invalid="true"' \
        in answer.text
    later = web.post("/web/events", data={**base, "ends_on": "2026-11-20"})
    assert "không thể kết thúc trước" in error_at(later.text, "ends_on")
    overlap = web.post("/web/events", data={**base, "slot_starts": "09:00\n09:10"})
    assert "chồng lên nhau" in error_at(overlap.text, "slot_starts")
    garbled = web.post("/web/events", data={**base, "slot_starts": "chín giờ"})
    assert "HH:MM" in error_at(garbled.text, "slot_starts")
    zone = web.post("/web/events", data={**base, "timezone": "Mars/Olympus"})
    assert "Múi giờ" in error_at(zone.text, "timezone")
    with runtime.session() as session:
        assert session.exec(select(Event)).all() == []


def test_organisers_never_see_an_enterprise_or_a_confidential_need(web, runtime, world):
    login(web, runtime, "organiser")
    page = web.get(f"/web/events/{world.event.id}").text
    assert "Supplier 0" in page and "Enterprise 3" in page and "Technology 1" in page
    assert "Nhu cầu 0" in page  # a public need's title, anonymised
    assert SECRET not in page and "nhu cầu mà tài khoản của bạn không được xem" in page
    for name in names_of_enterprises(runtime):
        assert name not in page
    login(web, runtime, "admin")  # the Department sees who they are
    page = web.get(f"/web/events/{world.event.id}").text
    assert SECRET in page and all(name in page for name in names_of_enterprises(runtime))


ROUTES = [("GET", ""), ("GET", "/new"), ("POST", ""), ("GET", "/{id}"),
          ("POST", "/{id}/participants"), ("POST", "/{id}/requests/1"), ("POST", "/{id}/pair"),
          ("POST", "/{id}/schedule"), ("GET", "/{id}/grid"), ("GET", "/{id}/agenda/ics"),
          ("POST", "/{id}/outcomes")]


@pytest.mark.parametrize("role", ["intermediary", "enterprise"])
def test_brokers_and_enterprises_may_not_open_event_pages(web, runtime, world, role):
    token = login(web, runtime, role)
    for method, path in ROUTES:  # refused before anything is read or written
        url = "/web/events" + path.replace("{id}", str(world.event.id))
        assert web.request(method, url, data={"csrf_token": token}).status_code == 403, url
    with runtime.session() as session:
        assert session.exec(select(Meeting)).all() == []


def test_another_provinces_event_reads_as_a_missing_one(web, runtime, world):
    token = login(web, runtime, "organiser", jurisdiction="HP")
    for event_id in (world.event.id, 999_999):
        for path in ("", "/grid", "/agenda/csv", "/agenda/ics?participant=1"):
            answer = web.get(f"/web/events/{event_id}{path}")
            assert answer.status_code == 404, (event_id, path)
            assert "Không có trang hoặc hồ sơ này" in answer.text
        for path in ("/pair", "/schedule", "/participants", "/requests/1", "/outcomes"):
            answer = web.post(f"/web/events/{event_id}{path}", data={"csrf_token": token})
            assert answer.status_code == 404, (event_id, path)
    with runtime.session() as session:
        assert session.exec(select(Meeting)).all() == []  # the pairing did not run


def participant_count(runtime: Runtime, event_id: int) -> int:
    with runtime.session() as session:
        return len(session.exec(select(Participant).where(
            Participant.event_id == event_id)).all())


def test_import_takes_all_rows_or_none_and_lists_the_bad_ones(web, runtime, world):
    token = login(web, runtime, "organiser")
    url = f"/web/events/{world.event.id}/participants"
    good = (f"ref,kind,name,organisation,dossier_id,need_id,available_slots,max_meetings\n"
            f"S9,supplier,Đoàn Hà Lan,,{world.dossiers[0].id},,1-2,3\n"
            f"E9,enterprise,Đoàn Lục Nam,,,{world.needs[0].id},,2\n")
    bad = good + f"E10,enterprise,Đoàn Yên Thế,,,{world.needs[-1].id},,2\nS11,robot,X,,,,,\n"
    answer = web.post(url, data={"csrf_token": token},
                      files={"file": ("people.csv", bad.encode(), "text/csv")})
    assert answer.status_code == 422
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>", answer.text)
    assert ("3", "need_id") in rows and ("4", "kind") in rows  # a confidential need: hidden
    assert "Chưa nhập gì" in error_at(answer.text, "file")
    assert participant_count(runtime, world.event.id) == 7
    answer = web.post(url, data={"csrf_token": token},
                      files={"file": ("people.csv", good.encode(), "text/csv")})
    assert answer.status_code == 303
    assert "created=2" in answer.headers["location"]
    assert participant_count(runtime, world.event.id) == 9
    assert "2 mới" in web.get(answer.headers["location"]).text
    empty = web.post(url, data={"csrf_token": token})
    assert empty.status_code == 422 and "Chọn một tệp" in error_at(empty.text, "file")


def add_request(runtime: Runtime, world: World) -> int:
    with runtime.session() as session:
        request = MeetingRequest(event_id=world.event.id, requester_id=world.enterprises[0].id,
                                 target_id=world.suppliers[2].id, reason="Muốn xem máy sấy")
        session.add(request)
        session.commit()
        assert request.id is not None
        return request.id


def test_answering_a_meeting_request(web, runtime, world):
    token = login(web, runtime, "organiser")
    request_id = add_request(runtime, world)
    url = f"/web/events/{world.event.id}/requests/{request_id}"
    page = web.get(f"/web/events/{world.event.id}").text
    assert f'action="{url}"' in page and "Muốn xem máy sấy" in page
    assert web.post(url, data={"csrf_token": token, "answer": "maybe"}).status_code == 422
    answer = web.post(url, data={"csrf_token": token, "answer": "accepted"})
    assert answer.status_code == 303 and "note=accepted" in answer.headers["location"]
    with runtime.session() as session:
        stored = session.get(MeetingRequest, request_id)
        assert stored is not None and stored.status == "accepted"
    again = web.post(url, data={"csrf_token": token, "answer": "declined"})
    assert "note=not_pending" in again.headers["location"]
    assert "đã được trả lời hoặc đã hết hạn" in web.get(again.headers["location"]).text


def test_pairing_and_scheduling_show_their_result(web, runtime, world):
    token = login(web, runtime, "organiser")
    with runtime.session() as session:  # a meeting that cannot be placed: no common slot
        for person, slots in ((world.suppliers[0], [1]), (world.enterprises[0], [2])):
            stored = session.get(Participant, person.id)
            assert stored is not None
            stored.available_slots = slots
            session.add(stored)
        session.add(Meeting(event_id=world.event.id, supplier_participant_id=world.suppliers[0].id,
                            enterprise_participant_id=world.enterprises[0].id, score=0.9))
        session.commit()
    paired = web.post(f"/web/events/{world.event.id}/pair", data={"csrf_token": token})
    assert paired.status_code == 303 and "paired=" in paired.headers["location"]
    summary = web.get(paired.headers["location"]).text
    assert "Đã ghép cặp." in summary and "Số cuộc gặp dự kiến" in summary
    with runtime.session() as session:
        planned = session.exec(select(Meeting).where(Meeting.event_id == world.event.id)).all()
        assert planned and all(m.status == MeetingStatus.planned for m in planned)
        session.add(Meeting(event_id=world.event.id, supplier_participant_id=world.suppliers[0].id,
                            enterprise_participant_id=world.enterprises[0].id, score=0.9))
        session.commit()
    scheduled = web.post(f"/web/events/{world.event.id}/schedule", data={"csrf_token": token})
    location = scheduled.headers["location"]
    assert re.search(r"placed=[1-9]", location) and "dropped=1" in location
    page = web.get(location).text
    assert "Đã xếp lịch." in page and "Không có khung giờ nào cả hai cùng dự được." in page
    grid = web.get(f"/web/events/{world.event.id}/grid").text
    assert "Bàn 2" in grid and " ↔ Enterprise " in grid
    assert not any(name in grid for name in names_of_enterprises(runtime))


def schedule(web: TestClient, token: str, world: World) -> list[Meeting]:
    web.post(f"/web/events/{world.event.id}/pair", data={"csrf_token": token})
    web.post(f"/web/events/{world.event.id}/schedule", data={"csrf_token": token})
    with Session(web.app.state.runtime.engine) as session:  # type: ignore[attr-defined]
        return list(session.exec(select(Meeting).where(
            Meeting.event_id == world.event.id, Meeting.status == MeetingStatus.scheduled)))


def test_agendas_download_as_icalendar_csv_and_printable_page(web, runtime, world):
    token = login(web, runtime, "organiser")
    meeting = schedule(web, token, world)[0]
    url = f"/web/events/{world.event.id}/agenda"
    who = meeting.enterprise_participant_id
    ics = web.get(f"{url}/ics", params={"participant": who})
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "attachment" in ics.headers["content-disposition"]
    assert b"BEGIN:VTIMEZONE" in ics.content and b"TZID:Asia/Ho_Chi_Minh" in ics.content
    assert ics.content.count(b"BEGIN:VEVENT") >= 1
    text = ics.content.decode()
    assert not any(name in text for name in names_of_enterprises(runtime))
    csv = web.get(f"{url}/csv", params={"participant": who})
    assert csv.text.startswith("slot,start,end,table,counterpart")
    printable = web.get(f"{url}/html", params={"participant": who}).text
    assert "Lịch gặp" in printable and "Supplier" in printable
    assert web.get(f"{url}/csv").text.startswith("slot,start,table 1,table 2")
    assert web.get(f"{url}/ics").status_code == 404  # per participant only
    hp = other_event(runtime, "BG")
    assert web.get(f"/web/events/{hp}/agenda/csv", params={"participant": who}).status_code \
        == 404  # a participant of another event


def test_recording_an_outcome_and_its_follow_up(web, runtime, world):
    token = login(web, runtime, "organiser")
    meeting = schedule(web, token, world)[0]
    url = f"/web/events/{world.event.id}/outcomes"
    page = web.get(f"/web/events/{world.event.id}").text
    assert f'<option value="{meeting.id}">#{meeting.id}' in page
    nothing = web.post(url, data={"csrf_token": token, "meeting_id": meeting.id})
    assert nothing.status_code == 422 and "kết quả hoặc" in error_at(nothing.text, "status")
    early = web.post(url, data={"csrf_token": token, "meeting_id": meeting.id,
                                "follow_up": "negotiation_started"})
    assert early.status_code == 422 and "đã diễn ra" in error_at(early.text, "follow_up")
    wrong = web.post(url, data={"csrf_token": token, "meeting_id": 999_999, "status": "held"})
    assert wrong.status_code == 422 and error_at(wrong.text, "meeting_id")
    held = web.post(url, data={"csrf_token": token, "meeting_id": meeting.id, "status": "held",
                               "rating": "cooperation_possible", "notes": "Hẹn gặp lại"})
    assert held.status_code == 303, held.text
    later = web.post(url, data={"csrf_token": token, "meeting_id": meeting.id,
                                "follow_up": "agreement_reached"})
    assert later.status_code == 303
    with runtime.session() as session:
        stored = session.get(Meeting, meeting.id)
        assert stored is not None and stored.status == MeetingStatus.held
        assert stored.rating == "cooperation_possible"
        assert stored.follow_up == "agreement_reached"
    page = web.get(later.headers["location"]).text
    assert "Có khả năng hợp tác" in page and "Đã đạt thỏa thuận" in page
