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
    filtered list (one COUNT query)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "user_id"

    def paginate_queryset(self, queryset, request, view=None):
        self.count = queryset.count()
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
        response["properties"] = {"count": {"type": "integer", "example": 123}, **response["properties"]}
        return response
