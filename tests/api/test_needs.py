"""Enterprises and needs: submission, validation, and matches in both directions."""

from fastapi.testclient import TestClient

from tests.factories import dossier_payload, enterprise_payload, need_payload

DOSSIERS = [
    dict(title="Heat-pump dryer for lychee and longan",
         summary="Closed-loop heat-pump drying keeps colour and aroma of fruit, uses 40 % less "
                 "energy than coal kilns.", sector_codes=["VN-04"],
         keywords=["fruit drying", "heat pump"], price_min=30000, price_max=50000),
    dict(title="Anaerobic digester for swine wastewater",
         summary="Covered lagoon digester producing biogas from piggery effluent.",
         sector_codes=["VN-07"], keywords=["biogas", "swine wastewater"]),
    dict(title="Injection moulds for plastic parts",
         summary="Design and making of precision injection moulds.",
         sector_codes=["VN-02"], keywords=["injection mould"]),
    dict(title="Hospital information system", summary="Electronic medical records for clinics.",
         sector_codes=["VN-06"], keywords=["EMR"]),
]


def _seed(client: TestClient) -> tuple[list[int], int]:
    ids = [client.post("/dossiers", json=dossier_payload(**d)).json()["id"] for d in DOSSIERS]
    enterprise = client.post("/enterprises", json=enterprise_payload(engineers=1))
    assert enterprise.status_code == 201, enterprise.text
    return ids, enterprise.json()["id"]


def test_create_enterprise_rejects_bad_tax_code(client: TestClient):
    response = client.post("/enterprises", json=enterprise_payload(tax_code="2400000001"))
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "tax_code"]
    assert "wrong check digit (it should be 8)" in detail["msg"]
    assert "e.g. 0100109106 (a branch: 0100109106-001)" in detail["msg"]


def test_duplicate_tax_code_is_409(client: TestClient):
    payload = enterprise_payload()
    assert client.post("/enterprises", json=payload).status_code == 201
    assert client.post("/enterprises", json=payload).status_code == 409


def test_need_for_unknown_enterprise_is_422_naming_the_field(client: TestClient):
    response = client.post("/needs", json=need_payload(12345))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "enterprise_id"]


def test_need_by_tax_code_finds_the_fitting_english_dossier(client: TestClient):
    dossiers, enterprise_id = _seed(client)
    tax_code = client.get(f"/enterprises/{enterprise_id}").json()["tax_code"]
    payload = need_payload(0, enterprise_tax_code=tax_code)
    del payload["enterprise_id"]
    need = client.post("/needs", json=payload)
    assert need.status_code == 201, need.text
    matches = client.get(f"/needs/{need.json()['id']}/matches").json()
    top = matches["data"][0]
    assert top["id"] == dossiers[0]
    assert top["breakdown"]["sector"] == 1.0
    assert "same sector BG-d" in top["explanation"]
    assert "needs 1 engineer, enterprise has 1" in top["explanation"]
    assert "price within budget" in top["explanation"]


def test_need_typed_without_diacritics_finds_the_same_dossier(client: TestClient):
    dossiers, enterprise_id = _seed(client)
    accented = client.post("/needs", json=need_payload(
        enterprise_id, title="", problem="Cần xử lý nước thải chăn nuôi lợn, mùi hôi, bị phạt",
        desired_result="", sector_codes=["BG-g"])).json()
    plain = client.post("/needs", json=need_payload(
        enterprise_id, title="", problem="can xu ly nuoc thai chan nuoi lon, mui hoi, bi phat",
        desired_result="", sector_codes=["BG-g"])).json()
    top_accented = client.get(f"/needs/{accented['id']}/matches").json()["data"][0]["id"]
    plain_matches = client.get(f"/needs/{plain['id']}/matches").json()
    assert top_accented == dossiers[1]
    assert plain_matches["data"][0]["id"] == dossiers[1]
    assert plain_matches["query"]["restored_text"] is not None


def test_dossier_finds_the_vietnamese_need_it_fits(client: TestClient):
    dossiers, enterprise_id = _seed(client)
    fruit = client.post("/needs", json=need_payload(enterprise_id)).json()
    client.post("/needs", json=need_payload(
        enterprise_id, title="Khuôn ép nhựa", problem="Cần làm khuôn ép nhựa chính xác cho vỏ "
        "thiết bị điện", desired_result="", sector_codes=["BG-b"]))
    matches = client.get(f"/dossiers/{dossiers[0]}/matches").json()
    assert matches["data"][0]["id"] == fruit["id"]
    assert matches["data"][0]["kind"] == "need"


def test_closed_need_is_not_suggested_to_suppliers(client: TestClient):
    dossiers, enterprise_id = _seed(client)
    need = client.post("/needs", json=need_payload(enterprise_id)).json()
    client.patch(f"/needs/{need['id']}", json={"status": "closed"})
    matches = client.get(f"/dossiers/{dossiers[0]}/matches").json()
    assert need["id"] not in [s["id"] for s in matches["data"]]


def test_sectors_of_a_jurisdiction(client: TestClient):
    body = client.get("/sectors", params={"jurisdiction": "BG"}).json()
    assert body["count"] == 7
    assert {s["code"] for s in body["data"]} >= {"BG-a", "BG-dd", "BG-g"}
    assert client.get("/sectors", params={"jurisdiction": "XX"}).status_code == 404


def test_a_second_delete_of_a_need_is_404_even_after_another_was_created(client: TestClient):
    """Ids are never reused, so deleting an id twice never deletes a newer record."""
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
    first = client.post("/needs", json=need_payload(enterprise)).json()["id"]
    assert client.delete(f"/needs/{first}").status_code == 204
    second = client.post("/needs", json=need_payload(enterprise)).json()["id"]
    assert second != first
    assert client.delete(f"/needs/{first}").status_code == 404
    assert client.get(f"/needs/{second}").status_code == 200
