"""Dossier routes: CRUD, errors that name the field, and search that follows every write."""

from fastapi.testclient import TestClient

from tests.factories import dossier_payload


def _create(client: TestClient, **overrides) -> dict:
    response = client.post("/dossiers", json=dossier_payload(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def test_create_and_read_dossier(client: TestClient):
    created = _create(client, title="Heat-pump fruit dryer")
    response = client.get(f"/dossiers/{created['id']}")
    assert response.status_code == 200
    assert response.json()["title"] == "Heat-pump fruit dryer"
    assert response.json()["sector_codes"] == ["VN-04"]


def test_read_missing_dossier_is_404(client: TestClient):
    response = client.get("/dossiers/999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Dossier 999 not found"}


def test_create_dossier_rejects_unknown_sector(client: TestClient):
    response = client.post("/dossiers", json=dossier_payload(sector_codes=["BG-z"]))
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "sector_codes"]
    assert detail["msg"] == "unknown sector code(s): BG-z"


def test_create_dossier_rejects_bad_country_naming_the_field(client: TestClient):
    response = client.post("/dossiers", json=dossier_payload(origin_country="ZZ"))
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "origin_country"]
    assert "'ZZ' is not an ISO 3166-1 alpha-2 country code" in detail["msg"]


def test_duplicate_ref_is_409(client: TestClient):
    _create(client, ref="D-DUP")
    response = client.post("/dossiers", json=dossier_payload(ref="D-DUP"))
    assert response.status_code == 409
    assert "dossier ref 'D-DUP'" in response.json()["detail"]


def test_update_validates_the_merged_record(client: TestClient):
    created = _create(client, price_min=100, price_max=200)
    response = client.patch(f"/dossiers/{created['id']}", json={"price_min": 500})
    assert response.status_code == 422
    assert "price_min must not exceed price_max" in response.text


def test_list_dossiers_paginates(client: TestClient):
    for _ in range(3):
        _create(client)
    response = client.get("/dossiers", params={"skip": 1, "limit": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and len(body["data"]) == 1


def test_search_follows_create_update_and_delete(client: TestClient):
    created = _create(client, title="Swine wastewater anaerobic digester",
                      summary="Covered lagoon digester that turns pig-farm wastewater into biogas.",
                      description="Treats piggery effluent, cuts COD by 90 %.",
                      sector_codes=["VN-07"], keywords=["biogas", "swine wastewater"])
    _create(client, title="CNC milling centre", summary="Five-axis CNC machining of moulds.",
            sector_codes=["VN-02"], keywords=["CNC"])
    first = client.get("/search", params={"q": "xử lý nước thải chăn nuôi lợn"}).json()
    assert first["data"][0]["id"] == created["id"]
    client.patch(f"/dossiers/{created['id']}", json={"status": "withdrawn"})
    after_update = client.get("/search", params={"q": "xử lý nước thải chăn nuôi lợn"}).json()
    assert created["id"] not in [s["id"] for s in after_update["data"]]
    client.patch(f"/dossiers/{created['id']}", json={"status": "active"})
    assert client.delete(f"/dossiers/{created['id']}").status_code == 204
    after_delete = client.get("/search", params={"q": "xử lý nước thải chăn nuôi lợn"}).json()
    assert created["id"] not in [s["id"] for s in after_delete["data"]]
