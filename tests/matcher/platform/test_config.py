"""Settings: a database password is never shown where the settings or their URL are printed."""

import pytest

from matcher.platform.config import Settings, masked_url

SECRET_URL = "postgresql+psycopg://ketnoi:s3cr%40t-pw@db.example:5432/ketnoi"


@pytest.mark.parametrize(("url", "shown"), [
    (SECRET_URL, "postgresql+psycopg://ketnoi:***@db.example:5432/ketnoi"),
    ("postgresql://ketnoi@db.example/ketnoi", "postgresql://ketnoi@db.example/ketnoi"),
    ("sqlite:///data/ketnoi.db", "sqlite:///data/ketnoi.db"),
    ("not a url://user:pw@host", "not a url://user:***@host"),
    ("postgresql://db.example/ketnoi?password=pw&sslmode=require",
     "postgresql://db.example/ketnoi?password=%2A%2A%2A&sslmode=require"),
])
def test_the_password_of_a_database_url_is_masked(url: str, shown: str):
    assert masked_url(url) == shown


def test_printed_settings_show_no_password(tmp_path):
    settings = Settings(data_dir=tmp_path, database_url=SECRET_URL, _env_file=None)
    assert settings.shown()["database_url"] == \
        "postgresql+psycopg://ketnoi:***@db.example:5432/ketnoi"
    assert "s3cr" not in repr(settings) and "s3cr" not in str(settings)
    assert settings.resolved_database_url == SECRET_URL  # still usable to connect
