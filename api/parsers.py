"""The API's one request parser: JSON, read by orjson, with a bound on how deeply it may nest.

Python's own JSON reader recurses once per `[` or `{`: a body of 100,000 `[` was a RecursionError, a 500
and a traceback in the log on every endpoint, signed in or not. orjson does not recurse on the C stack
and stops at 1,024 levels; the API's bodies are flat (a portrait, a list of ids), so anything nested
deeper than `API_JSON_MAX_DEPTH` (32) is refused as well, before a serializer, or an error report of
nested fields, walks it. Both are a `ParseError`: 400 in the API's error shape (`api.errors`).
"""
from __future__ import annotations

import orjson
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

_UTF8 = {"utf-8", "utf8"}


def nested_deeper_than(value, limit: int) -> bool:
    """Whether a parsed JSON value has lists or objects more than `limit` levels deep (`[]` is one level).
    Iterative: no recursion whatever the depth."""
    if not isinstance(value, dict | list):
        return False
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser (same media type, same strictness: no NaN or Infinity), with a depth limit."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})  # refuses non-text codecs, as DRF does
        body = stream.read()
        try:
            document = body if encoding.lower().replace("_", "-") in _UTF8 else body.decode(encoding)
            data = orjson.loads(document)
        except (ValueError, UnicodeError) as exc:  # orjson.JSONDecodeError is a ValueError
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        limit = settings.API_JSON_MAX_DEPTH
        # Fewer brackets than the limit cannot nest deeper: most bodies skip the walk.
        if body.count(b"[") + body.count(b"{") > limit and nested_deeper_than(data, limit):
            raise ParseError(_("JSON parse error - nested deeper than %(limit)d levels.") % {"limit": limit})
        return data
