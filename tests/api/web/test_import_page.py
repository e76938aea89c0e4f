"""The import page: a file of enterprises or needs imported all rows or none, through the same
importer as `ketnoi import`, within the broker's province; the row errors shown as a table; the
new needs searchable at once."""

import re

from sqlalchemy import func
from sqlmodel import select

from matcher.models import Enterprise, Need
from matcher.platform.db import session_scope
from tests.api.web.conftest import login
from tests.factories import tax_code

HEADER = "tax_code,name,province,jurisdiction,size_class,employees\n"


def enterprises_csv(*rows: tuple[str, str]) -> bytes:
    """A CSV of enterprises: (tax code, jurisdiction) per row."""
    body = "".join(f"{code},Công ty Số {n},Tỉnh,{where},small,20\n"
                   for n, (code, where) in enumerate(rows, start=1))
    return (HEADER + body).encode()


def upload(web, token: str, kind: str, name: str, content: bytes, upsert: bool = False):
    data = {"csrf_token": token, "kind": kind} | ({"upsert": "1"} if upsert else {})
    return web.post("/web/import", data=data, files={"file": (name, content, "text/csv")})


def count(runtime, model) -> int:
    with session_scope(runtime.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def error_rows(text: str) -> list[tuple[str, str, str]]:
    table = re.search(r'<table id="row-errors">(.*?)</table>', text, re.S)
    assert table, "no table of row errors"
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in cells)
            for cells in re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>",
                                    table.group(1))]


def test_the_import_form_has_a_label_for_every_input(web, runtime):
    login(web, runtime, "intermediary")
    page = web.get("/web/import")
    assert page.status_code == 200
    for name in ("kind", "file"):
        assert f'<label for="f-{name}">' in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'name="upsert"' in page.text


def test_one_bad_row_writes_nothing_and_is_shown_in_the_table(web, runtime):
    token = login(web, runtime, "intermediary")
    before = count(runtime, Enterprise)
    answer = upload(web, token, "enterprises", "dn.csv",
                    enterprises_csv((tax_code(), "BG"), ("12345", "BG"), (tax_code(), "BG")))
    assert answer.status_code == 422
    rows = error_rows(answer.text)
    assert [(row, field) for row, field, _ in rows] == [("2", "tax_code")]
    assert "Chưa nhập gì" in answer.text
    assert count(runtime, Enterprise) == before


def test_a_good_file_is_imported_and_an_upsert_updates(web, runtime):
    token = login(web, runtime, "intermediary")
    before = count(runtime, Enterprise)
    codes = [tax_code(), tax_code()]
    content = enterprises_csv(*[(code, "BG") for code in codes])
    created = upload(web, token, "enterprises", "dn.csv", content)
    assert created.status_code == 200, created.text
    assert "Đã nhập: 2 bản ghi mới, 0 bản ghi được cập nhật." in created.text
    assert count(runtime, Enterprise) == before + 2
    again = upload(web, token, "enterprises", "dn.csv", content)
    assert again.status_code == 422
    assert [m for _, _, m in error_rows(again.text)] == [
        "Đã tồn tại (đánh dấu “cập nhật bản ghi đã có” để cập nhật)."] * 2
    updated = upload(web, token, "enterprises", "dn.csv", content, upsert=True)
    assert "Đã nhập: 0 bản ghi mới, 2 bản ghi được cập nhật." in updated.text


def test_a_broker_imports_within_their_province_only(web, runtime):
    token = login(web, runtime, "intermediary")
    before = count(runtime, Enterprise)
    answer = upload(web, token, "enterprises", "dn.csv",
                    enterprises_csv((tax_code(), "BG"), (tax_code(), "HP")))
    assert answer.status_code == 422
    assert error_rows(answer.text) == [
        ("2", "jurisdiction", "Ngoài tỉnh của bạn: bạn không được ghi bản ghi này.")]
    assert count(runtime, Enterprise) == before
    admin = login(web, runtime, "admin")
    assert upload(web, admin, "enterprises", "dn.csv",
                  enterprises_csv((tax_code(), "HP"))).status_code == 200


def test_imported_needs_are_searchable_at_once(web, runtime):
    token = login(web, runtime, "intermediary")
    code = tax_code()
    assert upload(web, token, "enterprises", "dn.csv",
                  enterprises_csv((code, "BG"))).status_code == 200
    needs = ("ref,enterprise_tax_code,title,problem,sector_codes\n"
             f"N-WEB-1,{code},Sấy vải thiều,Vải thiều sấy lò than bị thâm và mất mùi,BG-d\n"
             f"N-WEB-2,{code},Xử lý nước thải,Nước thải chế biến nông sản chưa đạt chuẩn,BG-d\n")
    answer = upload(web, token, "needs", "nhu-cau.csv", needs.encode())
    assert answer.status_code == 200, answer.text
    assert "Đã nhập: 2 bản ghi mới" in answer.text
    with session_scope(runtime.engine) as session:
        ids = set(session.exec(select(Need.id).where(Need.ref.in_(["N-WEB-1", "N-WEB-2"]))))
    assert len(ids) == 2 and ids <= set(runtime.index.needs.docs)


def test_files_of_another_type_or_too_large_are_refused(web, runtime):
    token = login(web, runtime, "intermediary")
    wrong = upload(web, token, "enterprises", "dn.txt", b"x")
    assert wrong.status_code == 422 and 'id="e-file"' in wrong.text
    runtime.settings.max_body_bytes = 100
    large = upload(web, token, "enterprises", "dn.csv",
                   enterprises_csv(*[(tax_code(), "BG")] * 5))
    assert large.status_code == 413 and 'id="e-file" role="alert">Tệp quá lớn.' in large.text
