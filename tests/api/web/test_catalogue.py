"""Every message of the web application has its Vietnamese translation: the messages are
extracted from the templates (Jinja2) and the Python modules (`_()` and `N_()` marks) as
`pybabel extract` would, and looked up in the merged Vietnamese catalogue."""

from datetime import UTC

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.web import i18n
from matcher.platform.config import REPO_ROOT

WEB = REPO_ROOT / "api" / "web"
METHODS = [("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def messages() -> dict[str, str]:
    """msgid → where it is written."""
    found = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            WEB, METHODS, options_map=OPTIONS, keywords={"_": None, "N_": None,
                                                         "gettext": None}):
        text = message if isinstance(message, str) else message[0]
        found.setdefault(text, f"{filename}:{line}")
    return found


def test_the_extraction_finds_the_messages_of_templates_and_modules():
    found = messages()
    assert "Log in to KetNoi" in found  # a template
    assert "Wrong e-mail or password." in found  # a module, marked N_()
    assert "Audit log" in found  # the menu


def translated(lang: str) -> set[str]:
    """The msgids with a translation in the catalogues of `lang`."""
    done = set()
    for path in (i18n.LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"):
        with path.open("rb") as po:
            done |= {m.id for m in read_po(po) if m.id and m.string}
    return done


def test_every_message_has_a_vietnamese_translation():
    done = translated("vi")
    missing = [f"{where}: {text!r}" for text, where in messages().items()
               if text.strip() and text not in done]
    assert not missing, "not in api/web/locale/vi: " + "; ".join(sorted(missing))


def test_english_is_the_source_and_vietnamese_the_default():
    assert i18n.language(None) == "vi" and i18n.language("xx") == "vi"
    assert i18n.translations("en").gettext("Log in") == "Log in"
    assert i18n.translations("vi").gettext("Log in") == "Đăng nhập"


def test_dates_numbers_and_money_are_formatted_the_vietnamese_way():
    from datetime import date, datetime

    vi = i18n.Formats("vi")
    assert vi.date(date(2025, 12, 31)) == "31/12/2025"
    assert vi.money(1_250_000_000) == "1.250.000.000\xa0₫"
    assert vi.number(1234567.891, 1) == "1.234.567,9"
    # stored in UTC, shown in Vietnam's time (UTC+7): 20:00 UTC is 03:00 the next day
    assert vi.datetime(datetime(2025, 12, 31, 20, 0, tzinfo=UTC)) == "03:00 01/01/2026"
    assert i18n.Formats("en").money(1_250_000_000) == "₫1,250,000,000"


def test_the_catalogues_agree_on_every_message():
    """A message translated in two area catalogues has one translation (the merged catalogue
    would otherwise keep whichever loaded last)."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted((i18n.LOCALE_DIR / "vi" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as po:
            for message in read_po(po):
                if not message.id:
                    continue
                first = seen.setdefault(message.id, (path.name, message.string))
                if first[1] != message.string:
                    clashes.append(f"{message.id!r}: {first} vs {(path.name, message.string)}")
    assert not clashes, "; ".join(clashes)
