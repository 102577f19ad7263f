"""Untrusted article text (quotes, sources, place names) on its way into the page.

Every such string is HTML-escaped in Python before it reaches the page, and the JSON embedded in a script
escapes ``<``, ``>`` and ``&``, so a quote containing ``</script>`` can neither close the script nor inject
markup.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

_JINJA_START = re.compile(r"\{(?=[{%#])")


def safe_json(obj: Any) -> str:
    """JSON that is also safe inside an HTML <script> and inside a Jinja template.

    ``<``, ``>`` and ``&`` are escaped, so ``</script>`` or ``<!--`` in a quote cannot end the script.
    ``{`` before ``{``, ``%`` or ``#`` is escaped too: branca re-reads every rendered script as a Jinja
    template, so a quote containing ``{{ ... }}`` would otherwise be *executed* on the server. (JSON itself
    never puts ``{`` before those characters, so only string contents change.)
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _JINJA_START.sub(r"\\u007b", text)


def esc(text: object) -> str:
    """HTML-escape untrusted text (quotes and attributes too)."""
    return html.escape("" if text is None else str(text), quote=True)
