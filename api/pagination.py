"""Pages with count/next/previous: by page number for short lists, by key (cursor) for long ones."""
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M` (at most 200): for lists that stay short (managers, runs)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination(CursorPagination):
    """`?cursor=…` from `next`/`previous`: each page is a range scan on an indexed key, however deep,
    where an offset would read and drop every row before it. `count` is the size of the whole
    filtered list on the first page (one COUNT query) and null on the pages a cursor reaches: counting
    100k customers cost more than the page itself, and a client walking the list has the figure already."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "user_id"

    def paginate_queryset(self, queryset, request, view=None, *, counted=None):
        """`counted`: the same list without the columns the page shows, when joining them would slow the
        COUNT (a list of values joins every row to its user). A first page with nothing after it is the
        whole list: its length is the count, and no COUNT is run."""
        page = super().paginate_queryset(queryset, request, view)
        first = not request.query_params.get(self.cursor_query_param)
        if not first:
            self.count = None
        elif self.has_next:
            self.count = (queryset if counted is None else counted).count()
        else:
            self.count = len(page)
        return page

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
