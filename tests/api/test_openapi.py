"""The schema documents each operation's error answers (the fuzz test holds the app to them)."""

from api.main import create_app

SCHEMA = create_app().openapi()


def responses(path: str, method: str) -> set[str]:
    return set(SCHEMA["paths"][path][method]["responses"])


def test_writes_document_auth_conflict_size_and_rate_limit_errors():
    assert responses("/dossiers", "post") == {"201", "401", "403", "409", "413", "422", "429"}
    assert responses("/needs/{need_id}", "delete") == {"204", "401", "403", "404", "409", "422",
                                                       "429"}


def test_reads_document_403_only_where_a_role_is_left_out():
    assert responses("/jurisdictions", "get") == {"200", "401"}
    assert "403" not in responses("/search", "get")  # every role may search
    assert "403" in responses("/audit", "get")  # admins only


def test_404_only_where_a_record_or_jurisdiction_is_addressed():
    assert "404" in responses("/dossiers/{dossier_id}", "get")
    assert "404" in responses("/sectors", "get")  # ?jurisdiction= an unknown code
    assert "404" not in responses("/dossiers", "get")


def test_errors_share_one_schema_with_a_detail():
    error = SCHEMA["paths"]["/dossiers"]["post"]["responses"]["409"]
    assert error["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert SCHEMA["components"]["schemas"]["Error"]["required"] == ["detail"]
