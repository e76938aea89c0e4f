"""Download headers: a file name of any script, or holding quotes, makes a well-formed RFC 6266
`Content-Disposition` (an ASCII `filename` and the exact UTF-8 `filename*`)."""

from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from tests.factories import dossier_payload
from tests.matcher.events.world import event_payload


@pytest.mark.parametrize(("name", "header"), [
    ("agenda-1-S1.csv", "attachment; filename=\"agenda-1-S1.csv\"; "
                        "filename*=UTF-8''agenda-1-S1.csv"),
    ("agenda-1-Đoàn-Hà Nội.csv", "attachment; filename=\"agenda-1-Doan-Ha Noi.csv\"; "
                                 "filename*=UTF-8''agenda-1-%C4%90o%C3%A0n-H%C3%A0%20N%E1%BB%99i.csv"),
    ('VIP "A"\\B\r\n\t.ics', "attachment; filename=\"VIP AB.ics\"; "
                             "filename*=UTF-8''VIP%20%22A%22%5CB.ics"),
    ("北京.csv", "attachment; filename=\"__.csv\"; filename*=UTF-8''%E5%8C%97%E4%BA%AC.csv"),
])
def test_the_header_offers_an_ascii_and_a_utf8_name(name: str, header: str):
    from api.downloads import attachment

    assert attachment(name) == header
    header.encode("ascii")  # every header value must be Latin-1; this one is plain ASCII


def _agenda(client: TestClient, ref: str, format: str):
    dossier = client.post("/dossiers", json=dossier_payload()).json()["id"]
    event = client.post("/events", json=event_payload()).json()["id"]
    person = client.post(f"/events/{event}/participants", json={
        "ref": ref, "kind": "supplier", "name": "Đoàn Hà Nội", "dossier_id": dossier})
    assert person.status_code == 201, person.text
    return event, client.get(f"/events/{event}/participants/{person.json()['id']}/agenda",
                             params={"format": format})


@pytest.mark.parametrize("ref", ["Đoàn-Hà Nội", 'VIP "A"; filename=x.exe'])
@pytest.mark.parametrize("format", ["csv", "ics"])
def test_an_agenda_of_any_participant_ref_downloads(client: TestClient, ref: str, format: str):
    event, response = _agenda(client, ref, format)
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    fallback, encoded = disposition.split("; filename*=UTF-8''")
    assert unquote(encoded) == f"agenda-{event}-{ref}.{format}"
    assert fallback.startswith('attachment; filename="') and fallback.endswith(f'.{format}"')
    assert fallback.isascii() and '"' not in fallback[len('attachment; filename="'):-1]
