"""The health checks answer without a key, so they tell nothing of needs: a confidential need
created changes no count they show."""

from fastapi.testclient import TestClient

from tests.factories import enterprise_payload, need_payload


def test_readiness_without_a_key_shows_no_count_of_needs(client: TestClient) -> None:
    key = client.headers.pop("X-API-Key")
    before = client.get("/health/ready")
    assert before.status_code == 200, before.text
    assert set(before.json()) == {"instance", "ready", "outbox_position", "dossiers"}
    enterprise = client.post("/enterprises", json=enterprise_payload(),
                             headers={"X-API-Key": key}).json()["id"]
    created = client.post("/needs", json=need_payload(enterprise, confidentiality="confidential"),
                          headers={"X-API-Key": key})
    assert created.status_code == 201, created.text
    after = client.get("/health/ready").json()
    assert {k: v for k, v in after.items() if k != "outbox_position"} == \
        {k: v for k, v in before.json().items() if k != "outbox_position"}
    assert client.get("/health/live").json() == {"status": "alive"}
