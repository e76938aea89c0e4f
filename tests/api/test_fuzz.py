"""Schemathesis fuzzing of every operation in the OpenAPI schema, against the real app.

One test per tag of the schema, one subtest per operation and generation mode. Each test gets a
fresh test runtime (real e5 model, in-memory SQLite with the sectors), seeds one record of each
kind through the API, and sends every operation of its tag requests that schemathesis generates
from the schema: valid ones (positive) and invalid ones (negative), half of them addressed to
the seeded records (ids in the path, jurisdiction `BG` in the query) so that reads, updates,
deletes and reports reach real rows. Every request carries an admin key. Each answer must be:

- no server error (`not_a_server_error`);
- of the schema documented for its status (`response_schema_conformance`);
- of a documented status, or of one of `UNDOCUMENTED_OK`, the answers FastAPI does not put in
  the schema by itself (the reason is beside each).

No operation is left out. `KETNOI_FUZZ_EXAMPLES` sets the examples per operation and mode:
by default 20, the same cases every run so that CI is deterministic (2,500 cases, about a
minute on an idle two-core machine). A longer, random run on demand:

    KETNOI_FUZZ_EXAMPLES=200 pytest tests/api/test_fuzz.py

The tally (operations, cases run, status codes, distinct server errors) is written to the
terminal at the end of the module.
"""

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.main import create_app
from matcher.alerts.notify import notify
from matcher.alerts.recipients import Recipient
from matcher.auth.models import Role
from matcher.platform.config import Settings
from tests.conftest import SEED
from tests.factories import dossier_payload, enterprise_payload, need_payload
from tests.matcher.events.world import event_payload

DEFAULT_EXAMPLES = 20
EXAMPLES = int(os.environ.get("KETNOI_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))

# Answers any route may give that the schema leaves out (api/openapi.py documents the others).
UNDOCUMENTED_OK = {
    400: "the body cannot be read at all (not UTF-8, not form data): FastAPI's own answer",
}

# The app's schema, generated once (building the app does not build a runtime), and its
# operations grouped by tag; deletes come last so the seeded records serve the others first.
OPENAPI = create_app().openapi()
GROUPS: dict[str, list[str]] = {}
for _path, _methods in OPENAPI["paths"].items():
    for _method, _definition in _methods.items():
        GROUPS.setdefault(_definition["tags"][0], []).append(f"{_method.upper()} {_path}")
for _labels in GROUPS.values():
    _labels.sort(key=lambda label: label.startswith("DELETE"))

# Every request carries the admin key: negative cases vary the documented inputs, not the key
# (authentication has tests of its own).
CONFIG = schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}})

CASES: Counter[str] = Counter()
STATUSES: Counter[int] = Counter()
SERVER_ERRORS: set[str] = set()  # distinct: hypothesis replays a failing case once more


@pytest.fixture
def settings(tmp_path) -> Settings:
    """The test settings with a write limit no fuzz run reaches (it writes hundreds a minute
    under one key; the limit itself is tested in test_access.py)."""
    return Settings(data_dir=tmp_path / "data", seed_dir=SEED, write_rate_limit="1000000/minute",
                    _env_file=None)


def _created(response: Any) -> int:
    assert response.status_code in (200, 201), response.text
    return response.json()["id"]


def seed(client: TestClient) -> dict[str, int]:
    """One record of each kind that a path can address; returns path parameter -> id."""
    enterprise = _created(client.post("/enterprises", json=enterprise_payload()))
    dossier = _created(client.post("/dossiers", json=dossier_payload()))
    need = _created(client.post("/needs", json=need_payload(enterprise)))
    intermediary = _created(client.post("/ledger/intermediaries", json={
        "name": "Trung tâm Ứng dụng KH&CN", "kind": "st_centre", "jurisdiction": "BG"}))
    introduction = _created(client.post("/introductions", json={
        "dossier_id": dossier, "enterprise_id": enterprise, "need_id": need,
        "intermediary_id": intermediary}))
    plan = _created(client.post("/ledger/plans", json={
        "ref": "BG-FUZZ", "jurisdiction": "BG", "title": "Kế hoạch chuyển giao công nghệ",
        "periods": [{"label": "2023–2025", "start": "2023-01-01", "end": "2025-12-31",
                     "targets": [{"indicator": "people_trained", "value": 100}]}]}))
    event = _created(client.post("/events", json=event_payload(slots=3, tables=2)))
    supplier = _created(client.post(f"/events/{event}/participants", json={
        "ref": "S1", "kind": "supplier", "name": "Hanbit Agritech", "dossier_id": dossier}))
    visitor = _created(client.post(f"/events/{event}/participants", json={
        "ref": "E1", "kind": "enterprise", "name": "Nông sản Lục Ngạn", "need_id": need}))
    request = _created(client.post(f"/events/{event}/requests", json={
        "requester_id": visitor, "target_id": supplier}))
    meeting = _created(client.post(f"/events/{event}/meetings", json={
        "supplier_participant_id": supplier, "enterprise_participant_id": visitor,
        "slot": 1, "table": 1}))
    screened = _created(client.post("/dossiers", json=dossier_payload(
        ref="FUZZ-DRIP", keywords=["drip irrigation"])))  # Decree 76, Annex I: a finding
    finding = client.get(f"/dossiers/{screened}/findings").json()[0]["id"]
    saved_search = _created(client.post("/saved-searches", json={
        "name": "Máy sấy", "query": "máy sấy nông sản"}))
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    with runtime.session() as session:
        notification = notify(session, runtime.settings, Recipient(Role.admin), "fuzz.notice",
                              "Thông báo", "Nội dung").id
        session.commit()
    return {"enterprise_id": enterprise, "dossier_id": dossier, "need_id": need,
            "intermediary_id": intermediary, "introduction_id": introduction, "plan_id": plan,
            "event_id": event, "participant_id": supplier, "request_id": request,
            "meeting_id": meeting, "finding_id": finding, "search_id": saved_search,
            "notification_id": notification}


def _strategy(operation: Any, mode: GenerationMode, ids: dict[str, int]) -> st.SearchStrategy:
    """Cases of one mode; when the path has ids or the query a jurisdiction, half of them are
    addressed to the seeded records."""
    path = {p.name: ids[p.name] for p in operation.path_parameters}
    query = {"jurisdiction": "BG"} if any(
        p.name == "jurisdiction" for p in operation.query) else {}
    generated = operation.as_strategy(generation_mode=mode)
    if not path and not query:
        return generated
    return st.one_of(generated, operation.as_strategy(
        generation_mode=mode, path_parameters=path or None, query=query or None))


@pytest.fixture(scope="module", autouse=True)
def tally(request: pytest.FixtureRequest) -> Iterator[None]:
    """Write what the fuzzing did to the terminal at the end of the module, past capture."""
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not CASES:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(f"fuzz: {len(CASES)} operations, {sum(CASES.values())} cases "
                            f"({EXAMPLES} examples per operation and mode), "
                            f"{len(SERVER_ERRORS)} server errors")
        reporter.write_line("fuzz: statuses " + ", ".join(
            f"{code}×{n}" for code, n in sorted(STATUSES.items())))
        for line in sorted(SERVER_ERRORS):
            reporter.write_line(f"fuzz: 5xx {line}")


def modes(operation: Any) -> list[GenerationMode]:
    """Both modes; only positive for an operation without parameters or body (such as
    GET /jurisdictions), where there is nothing to send wrong."""
    definition = operation.definition.raw
    if definition.get("parameters") or definition.get("requestBody"):
        return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return [GenerationMode.POSITIVE]


def fuzz(operation: Any, mode: GenerationMode, ids: dict[str, int],
         headers: dict[str, str]) -> None:
    """Send EXAMPLES generated cases of one mode to one operation and check each answer."""
    label = operation.label
    documented = {int(code) for code in operation.definition.raw["responses"]}

    # No shrinking: it reruns a failing case hundreds of times; the curl command in the failure
    # reproduces the case as it was sent.
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES ==
                         DEFAULT_EXAMPLES, database=None, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @given(case=_strategy(operation, mode, ids))
    def run(case: schemathesis.Case) -> None:
        CASES[label] += 1
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the test transport re-raises what the app raised
            SERVER_ERRORS.add(f"{label} ({mode.value}): {exc!r}"[:300])
            raise
        STATUSES[response.status_code] += 1
        if response.status_code >= 500:
            SERVER_ERRORS.add(f"{label} ({mode.value}): {response.status_code} "
                              f"{response.text[:200]}")
        case.validate_response(response, checks=[not_a_server_error,
                                                 response_schema_conformance])
        assert response.status_code in documented or response.status_code in UNDOCUMENTED_OK, (
            f"{label} answered {response.status_code}, not in the schema "
            f"({sorted(documented)}): {response.text[:300]}\n{case.as_curl_command()}")

    run()


@pytest.mark.parametrize("tag", GROUPS)
def test_every_operation_answers_per_schema_without_server_error(
        client: TestClient, subtests: pytest.Subtests, tag: str):
    ids = seed(client)
    client.app.openapi_schema = OPENAPI  # type: ignore[attr-defined]
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app, config=CONFIG)
    headers = {"X-API-Key": client.headers["X-API-Key"]}
    for label in GROUPS[tag]:
        method, path = label.split(" ", 1)
        operation = schema[path][method]
        for mode in modes(operation):
            with subtests.test(msg=f"{label} {mode.value}"):
                fuzz(operation, mode, ids, headers)
