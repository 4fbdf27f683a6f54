"""The comparison selection: citation keys kept in a cookie and in the compare page's URL.

The cookie lets "Add to compare" work without JavaScript (a link to /compare/?add=key) and lets
every page show how many papers are selected; the compare page's URL (?papers=a,b,c) is what people
bookmark and share. site.js reads and writes the same cookie.
"""

import re

from taxonomy.compare import MAX_PAPERS

COOKIE = "compare"
# "," is not allowed in a cookie value; "." never occurs in a citation key.
COOKIE_SEPARATOR = "."
COOKIE_MAX_AGE = 365 * 24 * 3600
_KEY_RE = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")


def parse_keys(raw: str, separator: str = ",") -> list[str]:
    """Well-formed keys in the order given, each once, at most MAX_PAPERS."""
    keys = [key.strip() for key in (raw or "").split(separator)]
    return list(dict.fromkeys(key for key in keys if _KEY_RE.match(key)))[:MAX_PAPERS]


def selected_keys(request) -> list[str]:
    return parse_keys(request.COOKIES.get(COOKIE, ""), COOKIE_SEPARATOR)


def remember(response, keys: list[str]) -> None:
    if keys:
        response.set_cookie(COOKIE, COOKIE_SEPARATOR.join(keys), max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=False)
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
