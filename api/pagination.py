"""Pages with count/next/previous: by page number for short lists, by key (cursor) for long ones."""
from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

_COUNT = "list_count"


def _count_of(queryset: QuerySet) -> Subquery:
    """The size of `queryset` as a scalar subquery: COUNT as a plain function, so no GROUP BY is added."""
    counting = queryset.order_by().annotate(**{_COUNT: Func(F("pk"), function="COUNT")}).values(_COUNT)
    return Subquery(counting, output_field=IntegerField())


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

    For lists read as `.values()` rows. The first page's count comes with its rows, from a scalar subquery
    of the same statement (run once by the database): a COUNT of its own cost a round trip and the
    Python of a second query on every first page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "user_id"

    def paginate_queryset(self, queryset, request, view=None, *, counted=None):
        """`counted`: the same list without the columns the page shows, when joining them would slow the
        COUNT (a list of values joins every row to its user)."""
        first = not request.query_params.get(self.cursor_query_param)
        if first:
            queryset = queryset.annotate(**{_COUNT: _count_of(queryset if counted is None else counted)})
        page = super().paginate_queryset(queryset, request, view)
        self.count = None
        if first:
            self.count = page[0][_COUNT] if page else 0
            for row in page:
                del row[_COUNT]
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
