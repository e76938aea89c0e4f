"""`Content-Disposition` of downloads (RFC 6266): a file name in any script, quotes and all,
offered to old clients as a plain ASCII `filename` and to every other exactly, as `filename*`
(RFC 5987, UTF-8). A header must be Latin-1: a raw `Đoàn` in one was a server error."""

import unicodedata
from urllib.parse import quote


def attachment(filename: str) -> str:
    """The `Content-Disposition` value that offers `filename` for download."""
    name = "".join(c for c in filename if unicodedata.category(c) != "Cc")  # no controls
    return f"attachment; filename=\"{_ascii(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def _ascii(name: str) -> str:
    """The name in ASCII: letters without their marks (`Hà Nội` → `Ha Noi`, `Đ` → `D`), any
    other character beyond ASCII as `_`, quotes and backslashes dropped."""
    plain = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join("_" if not c.isascii() else c for c in plain
                   if not unicodedata.combining(c) and c not in '"\\')
