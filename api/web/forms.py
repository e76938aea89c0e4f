"""Form input for pages: errors located at their field, in the page's language.

Pages validate a form with the same pydantic models and services as the API. `field_errors`
turns their errors (pydantic's `ValidationError`, or a service's `Invalid`) into
{field: message} for the `field` macro to show next to each input. Pydantic's common error
types get a Vietnamese message here (`MESSAGES`, translated in the catalogue); any other error
keeps the service's own message, which names the field.
"""

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from api.web.i18n import N_, translations
from matcher.services.errors import Invalid

# pydantic error type → message (with `{limit}` filled from the error's context)
MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("Too short: at least {limit} characters."),
    "string_too_long": N_("Too long: at most {limit} characters."),
    "int_parsing": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("Must be at least {limit}."),
    "less_than_equal": N_("Must be at most {limit}."),
    "greater_than": N_("Must be more than {limit}."),
    "less_than": N_("Must be less than {limit}."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "date_from_datetime_parsing": N_("Enter a date (dd/mm/yyyy)."),
    "date_parsing": N_("Enter a date (dd/mm/yyyy)."),
    "too_long": N_("Too many items: at most {limit}."),
}
LIMIT_KEYS = ("min_length", "max_length", "ge", "le", "gt", "lt", "max_items")


def field_errors(exc: ValidationError | Invalid, lang: str) -> dict[str, str]:
    """{field: message in `lang`} for the first error of each field (the location's last name
    that is not a list index; `body`/`query` prefixes dropped)."""
    errors = exc.errors() if isinstance(exc, ValidationError) else exc.errors
    gettext = translations(lang).gettext
    found: dict[str, str] = {}
    for error in errors:
        names = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)
                 and part not in ("body", "query", "path")]
        name = names[0] if names else "__all__"
        if name in found:
            continue
        template = MESSAGES.get(error.get("type", ""))
        if template is None:
            found[name] = str(error.get("msg", ""))
            continue
        ctx = error.get("ctx") or {}
        limit = next((ctx[key] for key in LIMIT_KEYS if key in ctx), "")
        found[name] = gettext(template).format(limit=limit)
    return found


def form_values(form: FormData, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """The form's fields as a dict: blank fields left out (so models apply their defaults and
    say what is required), `lists` fields as lists of their non-blank values."""
    values: dict[str, Any] = {}
    for key in form.keys():
        if key == "csrf_token":
            continue
        if key in lists:
            values[key] = [str(v).strip() for v in form.getlist(key) if str(v).strip()]
        else:
            text = str(form.get(key) or "").strip()
            if text:
                values[key] = text
    return values
