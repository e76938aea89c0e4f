"""Issue 16's event loops on the event pages: deleting an event (and refusing to once a meeting
was held), slots outside the event's dates, and a follow-up that moves the introduction."""

from sqlmodel import Session, select

from matcher.events.models import Event, Meeting, Participant
from matcher.ledger.models import Introduction
from matcher.ledger.pipeline import status_of
from tests.api.web import test_event_pages
from tests.api.web.conftest import login
from tests.api.web.test_event_pages import error_at, schedule

world = test_event_pages.world  # the BG event with its participants (a fixture)


def test_an_organiser_deletes_an_event_where_nothing_was_held(web, runtime, world):
    token = login(web, runtime, "organiser")
    url = f"/web/events/{world.event.id}"
    page = web.get(url).text
    assert f'action="{url}/delete"' in page and "Xoá sự kiện" in page
    unticked = web.post(f"{url}/delete", data={"csrf_token": token})
    assert unticked.status_code == 422
    assert error_at(unticked.text, "confirm") == "Hãy đánh dấu ô để xác nhận việc xoá."
    schedule(web, token, world)
    done = web.post(f"{url}/delete", data={"csrf_token": token, "confirm": "yes"})
    assert (done.status_code, done.headers["location"]) == (303, "/web/events?deleted=true")
    assert "Sự kiện đã được xoá." in web.get(done.headers["location"]).text
    assert web.get(url).status_code == 404
    with Session(runtime.engine) as session:
        assert session.get(Event, world.event.id) is None
        assert session.exec(select(Participant).where(
            Participant.event_id == world.event.id)).all() == []
        assert session.exec(select(Meeting).where(Meeting.event_id == world.event.id)).all() \
            == []


def test_an_event_where_a_meeting_was_held_stays_and_the_page_says_why(web, runtime, world):
    token = login(web, runtime, "organiser")
    meeting = schedule(web, token, world)[0]
    url = f"/web/events/{world.event.id}"
    held = web.post(f"{url}/outcomes", data={"csrf_token": token, "meeting_id": meeting.id,
                                             "status": "held"})
    assert held.status_code == 303
    refused = web.post(f"{url}/delete", data={"csrf_token": token, "confirm": "yes"})
    assert refused.status_code == 303 and "note=not_deletable" in refused.headers["location"]
    page = web.get(refused.headers["location"]).text
    assert "Không thể xoá sự kiện: đã có cuộc gặp diễn ra tại đó." in page
    with Session(runtime.engine) as session:
        assert session.get(Event, world.event.id) is not None


def test_another_province_s_event_cannot_be_deleted(web, runtime, world):
    token = login(web, runtime, "organiser", jurisdiction="HP")
    answer = web.post(f"/web/events/{world.event.id}/delete",
                      data={"csrf_token": token, "confirm": "yes"})
    assert answer.status_code == 404
    with Session(runtime.engine) as session:
        assert session.get(Event, world.event.id) is not None


def test_a_slot_outside_the_event_s_dates_is_shown_at_the_slots(web, runtime):
    token = login(web, runtime, "organiser")
    answer = web.post("/web/events", data={
        "csrf_token": token, "name": "Techmart", "starts_on": "24/11/2026",
        "ends_on": "24/11/2026", "meeting_minutes": "30", "table_count": "5",
        "slot_starts": "09:00\n25/11/2026 09:00", "timezone": "Asia/Ho_Chi_Minh"})
    assert answer.status_code == 422
    assert error_at(answer.text, "slot_starts") == ("Mọi lượt gặp phải nằm trong các ngày diễn "
                                                    "ra sự kiện.")


def test_a_follow_up_moves_the_introduction_and_the_page_says_so(web, runtime, world):
    token = login(web, runtime, "admin")  # writes the ledger: the held meeting is introduced
    meeting = schedule(web, token, world)[0]
    url = f"/web/events/{world.event.id}/outcomes"
    assert web.post(url, data={"csrf_token": token, "meeting_id": meeting.id,
                               "status": "held"}).status_code == 303
    later = web.post(url, data={"csrf_token": token, "meeting_id": meeting.id,
                                "follow_up": "negotiation_started"})
    assert later.status_code == 303 and "note=follow_up_moved" in later.headers["location"]
    assert "lượt giới thiệu của cuộc gặp đã được chuyển" in web.get(
        later.headers["location"]).text
    with Session(runtime.engine) as session:
        stored = session.get(Meeting, meeting.id)
        intro = session.get(Introduction, stored.introduction_id)
        assert status_of(session, intro) == "negotiating"
