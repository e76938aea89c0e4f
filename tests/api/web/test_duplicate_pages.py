"""Duplicate dossiers in the web app: the dossier page lists a re-worded copy as a likely
duplicate with a merge button (brokers only), merging shows the kept dossier with both
sources, the merged one points to it; the import page lists the rows that copy a stored
dossier."""

import json
import re

from sqlmodel import Session

from matcher.models import Dossier, DossierCreate
from matcher.platform.runtime import Runtime
from matcher.services.dossiers import create_dossier
from tests.api.web.conftest import login
from tests.catalogue_data import NEIGHBOUR, ORIGINAL, reworded_copy, seed_dossier


def store(runtime: Runtime, *bodies: dict) -> list[int]:
    with runtime.session() as session:
        made = [create_dossier(session, DossierCreate.model_validate(b)) for b in bodies]
        runtime.commit(session, "test dossiers")
        return [d.id for d in made]


def test_a_broker_merges_a_listed_duplicate_from_the_dossier_page(web, runtime: Runtime):
    original, neighbour, copy = store(runtime, seed_dossier(ORIGINAL), seed_dossier(NEIGHBOUR),
                                      reworded_copy(ORIGINAL, "TM-WEB-1"))
    token = login(web, runtime, "intermediary")
    page = web.get(f"/web/dossiers/{original}")
    assert page.status_code == 200
    listed = re.search(r'<ol class="results" id="duplicates">(.*?)</ol>', page.text, re.S)
    assert listed is not None
    assert re.findall(r'<h3><a href="/web/dossiers/(\d+)">', listed.group(1)) == [str(copy)]
    assert f'action="/web/dossiers/{copy}/merge"' in page.text
    assert f'value="{neighbour}"' not in listed.group(1)

    answer = web.post(f"/web/dossiers/{copy}/merge",
                      data={"csrf_token": token, "into": str(original)})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/web/dossiers/{original}"
    kept = web.get(f"/web/dossiers/{original}").text
    sources = re.search(r'<table id="sources">(.*?)</table>', kept, re.S)
    assert sources is not None
    assert "Thượng Hải" in sources.group(1) and "TM-TM-WEB-1" in sources.group(1)
    assert "Không có hồ sơ nào có thể trùng lặp." in kept
    merged = web.get(f"/web/dossiers/{copy}").text
    assert 'id="merged-into"' in merged and f'href="/web/dossiers/{original}"' in merged
    with Session(runtime.engine) as session:
        assert session.get(Dossier, copy).status == "merged"


def test_other_roles_see_the_sources_but_no_merge_button(web, runtime: Runtime):
    original, copy = store(runtime, seed_dossier(ORIGINAL), reworded_copy(ORIGINAL, "TM-WEB-2"))
    token = login(web, runtime, "organiser")
    page = web.get(f"/web/dossiers/{original}")
    assert page.status_code == 200
    assert 'id="sources"' in page.text and 'id="duplicates"' not in page.text
    answer = web.post(f"/web/dossiers/{copy}/merge",
                      data={"csrf_token": token, "into": str(original)})
    assert answer.status_code == 403
    with Session(runtime.engine) as session:
        assert session.get(Dossier, copy).status == "active"


def test_merging_a_missing_dossier_is_a_404_page(web, runtime: Runtime):
    (original,) = store(runtime, seed_dossier(ORIGINAL))
    token = login(web, runtime, "admin")
    answer = web.post("/web/dossiers/999999/merge", data={"csrf_token": token,
                                                          "into": str(original)})
    assert answer.status_code == 404


def test_the_import_page_lists_the_rows_that_copy_a_stored_dossier(web, runtime: Runtime):
    (original,) = store(runtime, seed_dossier(ORIGINAL))
    token = login(web, runtime, "intermediary")
    rows = [seed_dossier(NEIGHBOUR), reworded_copy(ORIGINAL, "TM-IMPORT-1")]
    body = "".join(json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False)
                   + "\n" for r in rows).encode()
    answer = web.post("/web/import", data={"csrf_token": token, "kind": "dossiers"},
                      files={"file": ("hs.jsonl", body, "application/x-ndjson")})
    assert answer.status_code == 200, answer.text
    table = re.search(r'<table id="row-duplicates">(.*?)</table>', answer.text, re.S)
    assert table is not None
    found = re.findall(r"<tr><td>(\d+)</td><td><a href=\"/web/dossiers/\d+\">([^<]+)</a></td>"
                       r"<td>(.*?)</td></tr>", table.group(1))
    assert [(row, ref) for row, ref, _ in found] == [("2", "TM-IMPORT-1")]
    assert f'href="/web/dossiers/{original}"' in found[0][2]
