"""Pages with count/next/previous: by page number for short lists, by key (cursor) for long ones."""
from __future__ import annotations

from collections.abc import Callable, Hashable

from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from core.statements import PreparedQueries

_COUNT = "list_count"
_POSITION = "page_position"


def _count_of(queryset: QuerySet) -> Subquery:
    """The size of `queryset` as a scalar subquery: COUNT as a plain function, so no GROUP BY is added."""
    counting = queryset.order_by().annotate(**{_COUNT: Func(F("pk"), function="COUNT")}).values(_COUNT)
    return Subquery(counting, output_field=IntegerField())


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M` (at most 200): for lists that stay short (managers, runs)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PreparedPage:
    """A list that `KeysetPagination` pages through as a prepared statement (`core.statements`).

    What the paginator does to it (count it on a first page, order it, start after a position, slice it)
    becomes part of the statement's shape and the position one of its values, so every page of one shape
    runs the same SQL, compiled once per process. `pages` comes from `prepared_pages`.
    """

    def __init__(self, pages: PreparedQueries, shape: Hashable, values: dict, operations: tuple = ()):
        self.pages, self.shape, self.values, self.operations = pages, shape, values, operations

    def _then(self, operation: tuple, **values) -> PreparedPage:
        return PreparedPage(self.pages, self.shape, {**self.values, **values}, (*self.operations, operation))

    def counted(self) -> PreparedPage:
        return self._then(("count",))

    def order_by(self, *fields: str) -> PreparedPage:
        return self._then(("order_by", fields))

    def filter(self, **lookup) -> PreparedPage:
        """The one lookup CursorPagination asks for: the key after (or before) a cursor's position."""
        ((name, position),) = lookup.items()
        try:
            position = int(position)
        except ValueError:
            raise NotFound(CursorPagination.invalid_cursor_message) from None
        return self._then(("position", name), **{_POSITION: position})

    def __getitem__(self, bounds: slice) -> PreparedPage:
        return self._then(("slice", bounds.start, bounds.stop))

    def __iter__(self):
        return iter(self.pages.rows((self.shape, self.operations), self.values))


def prepared_pages(build: Callable[[Hashable, dict], tuple[QuerySet, QuerySet]]) -> PreparedQueries:
    """The statements of the `PreparedPage`s of a list: `build(shape, values)` gives its rows (a `.values()`
    queryset) and the same list to count, without the joins its columns need."""

    def page(shape: tuple, values: dict) -> QuerySet:
        list_shape, operations = shape
        rows, counted = build(list_shape, values)
        for operation, *arguments in operations:
            if operation == "count":
                rows = rows.annotate(**{_COUNT: _count_of(counted)})
            elif operation == "order_by":
                rows = rows.order_by(*arguments[0])
            elif operation == "position":
                rows = rows.filter(**{arguments[0]: values[_POSITION]})
            else:
                start, stop = arguments
                rows = rows[start:stop]
        return rows

    return PreparedQueries(page)


class KeysetPagination(CursorPagination):
    """`?cursor=…` from `next`/`previous`: each page is a range scan on an indexed key, however deep,
    where an offset would read and drop every row before it. `count` is the size of the whole
    filtered list on the first page and null on the pages a cursor reaches: counting 100k customers
    cost more than the page itself, and a client walking the list has the figure already.

    Pages a `PreparedPage`. The first page's count comes with its rows, from a scalar subquery of the
    same statement (run once by the database): a COUNT of its own cost a round trip and the Python of
    a second query on every first page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "user_id"

    def paginate_queryset(self, queryset: PreparedPage, request, view=None):
        first = not request.query_params.get(self.cursor_query_param)
        page = super().paginate_queryset(queryset.counted() if first else queryset, request, view)
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
