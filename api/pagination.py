"""Pages with count/next/previous: by page number for short lists, by key (cursor) for long ones."""
from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

# The positions a cursor may carry: a key of a 64-bit integer column (what every backend stores); beyond,
# SQLite cannot even bind the value (OverflowError).
MIN_POSITION, MAX_POSITION = -(2**63), 2**63 - 1


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M` (at most 200): for lists that stay short (managers, runs)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination(CursorPagination):
    """`?cursor=…` from `next`/`previous`: each page is a range scan on an indexed key, however deep,
    where an offset would read and drop every row before it. `count` is the size of the whole
    filtered list on the first page and null on the pages a cursor reaches: counting 100k customers
    cost more than the page itself, and a client walking the list has the figure already.

    DRF's cursor pagination on an integer key (`ordering`): a cursor whose position is no integer, or one out
    of the column's range, is a 404 like any tampered cursor."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "user_id"

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                position = int(cursor.position)
            except ValueError:
                raise NotFound(self.invalid_cursor_message) from None
            if not MIN_POSITION <= position <= MAX_POSITION:
                raise NotFound(self.invalid_cursor_message)
            cursor = cursor._replace(position=position)
        return cursor

    def paginate_queryset(self, queryset, request, view=None):
        self.count = None if request.query_params.get(self.cursor_query_param) else queryset.count()
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response({
            "count": self.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "results"]
        response["properties"] = {
            "count": {"type": "integer", "nullable": True, "example": 123,
                      "description": "The whole filtered list's size; null on pages reached by a cursor."},
            **response["properties"],
        }
        return response
