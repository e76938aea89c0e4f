"""Issue 16's event loops through the API: times without a zone, slots within the event's dates,
outcomes not before the meeting, deleting an event, declined requests never booked, and a
follow-up moving the introduction the held meeting became."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.factories import dossier_payload, enterprise_payload, need_payload
from tests.matcher.events.world import event_payload


def make_event(client: TestClient, day: str = "2026-11-24", **overrides) -> dict:
    """An event on `day` with one supplier (a Korean dossier) and one enterprise, and a locked
    meeting of the two in slot 1; the ids by name."""
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()
    need = client.post("/needs", json=need_payload(enterprise["id"])).json()
    dossier = client.post("/dossiers", json=dossier_payload()).json()
    body = event_payload(slots=2, tables=1, starts_on=day, ends_on=day,
                         slot_starts=[f"{day}T09:00", f"{day}T09:30"], **overrides)
    event = client.post("/events", json=body)
    assert event.status_code == 201, event.text
    event_id = event.json()["id"]
    ids = {"event": event_id, "enterprise": enterprise["id"], "need": need["id"]}
    for ref, person in (("S1", {"kind": "supplier", "name": "Hanbit",
                                "dossier_id": dossier["id"]}),
                        ("E1", {"kind": "enterprise", "name": "Lục Ngạn",
                                "need_id": need["id"]})):
        answer = client.post(f"/events/{event_id}/participants", json={"ref": ref, **person})
        assert answer.status_code == 201, answer.text
        ids[ref] = answer.json()["id"]
    meeting = client.post(f"/events/{event_id}/meetings", json={
        "supplier_participant_id": ids["S1"], "enterprise_participant_id": ids["E1"],
        "slot": 1, "table": 1})
    assert meeting.status_code == 201, meeting.text
    ids["meeting"] = meeting.json()["id"]
    assert client.post(f"/events/{event_id}/schedule").json()["violations"] == []
    return ids


def request_expiring(client: TestClient, ids: dict, expires_at: str):
    return client.post(f"/events/{ids['event']}/requests", json={
        "requester_id": ids["E1"], "target_id": ids["S1"], "expires_at": expires_at})


# --- time zones --------------------------------------------------------------------------

def test_a_request_expiry_without_a_time_zone_is_read_as_vietnam_time(client: TestClient):
    ids = make_event(client)
    answer = request_expiring(client, ids, "2099-11-20T10:00:00")
    assert answer.status_code == 201, answer.text
    assert answer.json()["expires_at"].startswith("2099-11-20T03:00:00")
    listed = client.get(f"/events/{ids['event']}/requests")
    assert listed.status_code == 200
    assert listed.json()["data"][0]["status"] == "pending"


def test_a_request_expiry_with_an_offset_keeps_its_moment(client: TestClient):
    ids = make_event(client)
    answer = request_expiring(client, ids, "2099-11-20T10:00:00+09:00")
    assert answer.status_code == 201, answer.text
    assert answer.json()["expires_at"].startswith("2099-11-20T01:00:00")


def test_a_past_expiry_without_a_time_zone_expires_the_request(client: TestClient):
    ids = make_event(client)
    assert request_expiring(client, ids, "2020-01-01T00:00").status_code == 201
    assert client.get(f"/events/{ids['event']}/requests").json()["data"][0]["status"] \
        == "expired"


def test_slot_starts_with_an_offset_are_the_event_s_local_time(client: TestClient):
    body = event_payload(slots=1, slot_starts=["2026-11-24T02:00:00Z",
                                               "2026-11-24T11:30+09:00"])
    answer = client.post("/events", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["slot_starts"] == ["2026-11-24T09:00", "2026-11-24T09:30"]


def test_audit_times_without_a_zone_are_vietnam_time(client: TestClient):
    client.post("/enterprises", json=enterprise_payload())
    in_a_minute = datetime.now(UTC) + timedelta(minutes=1)
    as_utc_clock = in_a_minute.replace(tzinfo=None).isoformat(timespec="seconds")
    as_vietnam_clock = (in_a_minute + timedelta(hours=7)).replace(tzinfo=None).isoformat(
        timespec="seconds")
    # 1 minute ahead on a UTC clock is 6 h 59 min ago in Vietnam: the new entry is after it
    assert client.get("/audit", params={"since": as_utc_clock}).json()["count"] >= 1
    assert client.get("/audit", params={"since": as_vietnam_clock}).json()["count"] == 0
    assert client.get("/audit", params={"since": as_vietnam_clock.replace("T", " ")
                                         + "+07:00"}).json()["count"] == 0


# --- slots within the event's dates, outcomes not before the meeting ---------------------

def test_a_slot_outside_the_event_s_dates_is_422_naming_slot_starts(client: TestClient):
    body = event_payload(slot_starts=["2026-11-24T09:00", "2026-11-25T09:00"])
    answer = client.post("/events", json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"] == [{
        "type": "value_error", "loc": ["body", "slot_starts"],
        "msg": "Value error, slot at 2026-11-25 09:00 is outside the event's dates "
               "(2026-11-24 to 2026-11-24)"}]


def test_an_outcome_before_the_meeting_is_refused(client: TestClient):
    ids = make_event(client, day="2099-06-01")
    answer = client.post(f"/events/{ids['event']}/meetings/{ids['meeting']}/outcome",
                         json={"status": "held", "rating": "cooperation_possible"})
    assert answer.status_code == 409
    assert answer.json()["detail"] == (
        f"meeting {ids['meeting']} starts 2099-06-01 09:00 (Asia/Ho_Chi_Minh): its outcome can "
        "be recorded from then on, not before")
    meeting = client.get(f"/events/{ids['event']}/meetings").json()["data"][0]
    assert (meeting["status"], meeting["introduction_id"]) == ("scheduled", None)


# --- deleting events ----------------------------------------------------------------------

def test_an_event_where_nothing_was_held_is_deleted_with_what_it_holds(client: TestClient):
    ids = make_event(client)
    assert request_expiring(client, ids, "2099-01-01T00:00").status_code == 201
    answer = client.delete(f"/events/{ids['event']}")
    assert answer.status_code == 204
    assert client.get(f"/events/{ids['event']}").status_code == 404
    assert client.get(f"/events/{ids['event']}/meetings").status_code == 404
    logged = client.get("/audit", params={"table": "participant"}).json()["data"]
    assert {e["record_id"] for e in logged if e["after"] is None} >= {str(ids["S1"]),
                                                                      str(ids["E1"])}


def test_an_event_with_a_held_meeting_is_409_and_kept(client: TestClient):
    ids = make_event(client)
    held = client.post(f"/events/{ids['event']}/meetings/{ids['meeting']}/outcome",
                       json={"status": "held"})
    assert held.status_code == 200, held.text
    answer = client.delete(f"/events/{ids['event']}")
    assert answer.status_code == 409
    assert answer.json()["detail"] == (
        f"event {ids['event']} cannot be deleted: 1 of its meetings is recorded as held "
        "(outcomes the province counts)")
    assert client.get(f"/events/{ids['event']}/meetings").json()["count"] == 1


def test_deleting_a_missing_event_is_404(client: TestClient):
    assert client.delete("/events/987654").status_code == 404


# --- declined requests, follow-ups --------------------------------------------------------

def test_a_declined_request_cancels_the_pair_s_paired_meeting(client: TestClient):
    ids = make_event(client)
    event = ids["event"]
    unlocked = client.patch(f"/events/{event}/meetings/{ids['meeting']}", json={"locked": False})
    assert unlocked.status_code == 200, unlocked.text
    request = client.post(f"/events/{event}/requests", json={
        "requester_id": ids["S1"], "target_id": ids["E1"]}).json()
    declined = client.patch(f"/events/{event}/requests/{request['id']}",
                            json={"status": "declined"})
    assert declined.status_code == 200
    meeting = client.get(f"/events/{event}/meetings").json()["data"][0]
    assert (meeting["status"], meeting["slot"], meeting["drop_reason"]) == (
        "cancelled", None, f"meeting request {request['id']} was declined")
    assert client.post(f"/events/{event}/schedule").json()["placed"] == 0


@pytest.mark.parametrize(("follow_up", "status", "recorded"), [
    ("negotiation_started", "negotiating", ["interested", "negotiating"]),
    ("no_further_contact", "stalled", ["stalled"]),
])
def test_a_follow_up_moves_the_linked_introduction(client: TestClient, follow_up, status,
                                                   recorded):
    ids = make_event(client)
    base = f"/events/{ids['event']}/meetings/{ids['meeting']}"
    held = client.post(f"{base}/outcome", json={"status": "held"}).json()
    answer = client.post(f"{base}/follow-up", json={"follow_up": follow_up})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["follow_up"], body["introduction_status"], body["introduction_recorded"],
            body["introduction_message"]) == (follow_up, status, recorded, "")
    intro = client.get(f"/introductions/{held['introduction_id']}").json()
    assert [e["status"] for e in intro["events"]] == ["introduced", *recorded]


def test_a_follow_up_the_pipeline_refuses_is_reported_not_forced(client: TestClient):
    ids = make_event(client)
    base = f"/events/{ids['event']}/meetings/{ids['meeting']}"
    intro_id = client.post(f"{base}/outcome", json={"status": "held"}).json()["introduction_id"]
    closed = client.post(f"/introductions/{intro_id}/status",
                         json={"status": "declined", "decline_reason": "cost"})
    assert closed.status_code == 201, closed.text
    answer = client.post(f"{base}/follow-up", json={"follow_up": "negotiation_started"})
    assert answer.status_code == 200
    assert (answer.json()["introduction_status"], answer.json()["introduction_recorded"]) == (
        "declined", [])
    assert answer.json()["introduction_message"] == (
        f"introduction {intro_id} was not moved: cannot change status from declined to "
        "introduced; allowed: none (the introduction is closed)")
    intro = client.get(f"/introductions/{intro_id}").json()
    assert [e["status"] for e in intro["events"]] == ["introduced", "declined"]
