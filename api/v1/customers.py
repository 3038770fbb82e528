"""Customers: the list (an admin's, with the console's filters; a manager's own book) and one portrait.

Ids in paths and bodies are user ids, as in the older system (`/api/customers/:id/profile`, where
`:id` is the id the login answer gives).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import ISO_8601, generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.access import (
    api_permission, can_edit_portrait, can_list_customers, can_view_customer, customer_scope, customers_in_scope,
    customers_visible_to, is_signed_in,
)
from accounts.models import Role
from customers.models import MAX_AGE, MIN_AGE, CustomerClass, CustomerProfile
from customers.selectors import customer_rows, customer_rows_named
from customers.services import customer_portrait_save
from vocabularies.models import Hobby, Service

from ..pagination import KeysetPagination, PreparedPage, prepared_pages
from .common import MAX_ID, ProtectedFieldsMixin, error_responses, id_parameter

User = get_user_model()
MAX_ASSETS = Decimal("9999999999999.99")
BANK_TIME_ZONE = timezone.get_default_timezone()  # settings.TIME_ZONE; no page or API activates another


class TermListField(serializers.ListField):
    """Terms by name, as the older front end sends and reads them (`["理财规划", "基金投资"]`)."""

    def __init__(self, model, **kwargs):
        super().__init__(child=serializers.SlugRelatedField(slug_field="name", queryset=model.objects.all()),
                         max_length=100, **kwargs)

    def get_attribute(self, instance):
        if instance.pk is None:
            return []
        return [term.name for term in getattr(instance, self.source).all()]  # prefetched

    def to_representation(self, data):
        return list(data)


class CustomerSerializer(ProtectedFieldsMixin, serializers.Serializer):
    """A customer's portrait. Writable: age, occupation, total_assets (yuan), needs, hobbies."""

    protected_fields = {
        "customer_class": "customer_class", "manager_id": "manager_id", "manager": "manager_id",
        "manager_locked": "manager_locked", "segment": "segment", "username": "username", "name": "name",
        "role": None, "is_staff": None, "is_superuser": None,
    }

    id = serializers.IntegerField(source="user_id", read_only=True, help_text="The customer's user id.")
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)
    age = serializers.IntegerField(min_value=MIN_AGE, max_value=MAX_AGE, allow_null=False)
    occupation = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    total_assets = serializers.DecimalField(
        max_digits=15, decimal_places=2, min_value=Decimal("0"), max_value=MAX_ASSETS, coerce_to_string=False,
        required=False, default=Decimal("0"), help_text="Yuan.",
    )
    needs = TermListField(Service, required=False, default=list, help_text="Service names (see /api/vocabulary).")
    hobbies = TermListField(Hobby, required=False, default=list, help_text="Hobby names (see /api/vocabulary).")
    customer_class = serializers.ChoiceField(
        choices=["", *CustomerClass.values], read_only=True, help_text="A-E; empty until classified.",
    )
    segment = serializers.IntegerField(read_only=True, allow_null=True)
    manager_id = serializers.IntegerField(source="manager.user_id", read_only=True, allow_null=True,
                                          help_text="The manager's user id.")
    manager_name = serializers.CharField(source="manager.user.display_name", read_only=True, allow_null=True)
    manager_locked = serializers.BooleanField(read_only=True, help_text="Assigned by hand: runs do not move them.")
    # In the bank's time zone, named once: looking up the current one per value was a tenth of a list page.
    created_at = serializers.DateTimeField(read_only=True, allow_null=True, default_timezone=BANK_TIME_ZONE)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True, default_timezone=BANK_TIME_ZONE)

    def validate(self, attrs):
        self.refuse_protected(self.to_representation(self.instance) if self.instance is not None else {})
        return attrs


class CustomerFilterSerializer(serializers.Serializer):
    """The console's filters, combined (AND)."""

    customer_class = serializers.ChoiceField(
        choices=["", *CustomerClass.values], required=False, allow_blank=True,
        help_text="A-E, or empty for the not yet classified.",
    )
    segment = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    manager = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="The manager's user id."
    )
    unassigned = serializers.BooleanField(required=False, allow_null=True, default=None)
    locked = serializers.BooleanField(required=False, allow_null=True, default=None)
    need = serializers.CharField(required=False, max_length=50, help_text="A service name.")
    hobby = serializers.CharField(required=False, max_length=50, help_text="A hobby name.")
    age_min = serializers.IntegerField(required=False, min_value=0, max_value=200)
    age_max = serializers.IntegerField(required=False, min_value=0, max_value=200)
    assets_min = serializers.DecimalField(required=False, max_digits=15, decimal_places=2, min_value=0)
    assets_max = serializers.DecimalField(required=False, max_digits=15, decimal_places=2, min_value=0)
    created_after = serializers.DateField(required=False, help_text="On or after this day.")
    created_before = serializers.DateField(required=False, help_text="On or before this day.")
    q = serializers.CharField(required=False, max_length=100, help_text="Part of the username or name.")



# Filters whose value decides the SQL itself (IS NULL or IS NOT NULL, true or false), where the others'
# values are bound to it: a prepared page's shape holds these, its values the others.
_SHAPING_FILTERS = ("unassigned", "locked")
_LOOKUPS = {
    "customer_class": "customer_class",
    "segment": "segment",
    "manager": "manager__user_id",
    "need": "needs__name",
    "hobby": "hobbies__name",
    "age_min": "age__gte",
    "age_max": "age__lte",
    "assets_min": "total_assets__gte",
    "assets_max": "total_assets__lte",
    "created_after": "created_at__date__gte",
    "created_before": "created_at__date__lte",
}


def customers_filtered(queryset: QuerySet, filters: Mapping[str, Any]) -> QuerySet:
    """`queryset` narrowed by `CustomerFilterSerializer`'s validated data, combined (AND)."""
    queryset = queryset.filter(**{lookup: filters[name] for name, lookup in _LOOKUPS.items() if name in filters})
    if filters.get("unassigned") is not None:
        queryset = queryset.filter(manager__isnull=filters["unassigned"])
    if filters.get("locked") is not None:
        queryset = queryset.filter(manager_locked=filters["locked"])
    if q := filters.get("q"):
        queryset = queryset.filter(Q(user__username__icontains=q) | Q(user__name__icontains=q))
    return queryset


def _filter_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(name, description=str(field.help_text or ""), required=False, type=_PARAMETER_TYPES[name])
        for name, field in CustomerFilterSerializer().fields.items()
    ]


_PARAMETER_TYPES = {
    "customer_class": {"type": "string", "enum": ["", *CustomerClass.values]},
    "segment": {"type": "integer", "minimum": 0, "maximum": 32767},
    "manager": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "unassigned": {"type": "boolean"},
    "locked": {"type": "boolean"},
    "need": {"type": "string", "maxLength": 50},
    "hobby": {"type": "string", "maxLength": 50},
    "age_min": {"type": "integer", "minimum": 0, "maximum": 200},
    "age_max": {"type": "integer", "minimum": 0, "maximum": 200},
    "assets_min": {"type": "number", "minimum": 0, "maximum": 9999999999999},
    "assets_max": {"type": "number", "minimum": 0, "maximum": 9999999999999},
    "created_after": {"type": "string", "format": "date"},
    "created_before": {"type": "string", "format": "date"},
    "q": {"type": "string", "maxLength": 100},
}


# A list's page is read as plain rows (no model instance) and each value is rendered by the serializer's
# own field, so a row is what `CustomerSerializer` gives for that customer (a test holds them equal): DRF
# walking 15 attributes of three instances per row was a third of a request.
_ROW_VALUES = {
    "id": "user_id", "username": "user__username", "name": "user__name", "age": "age", "occupation": "occupation",
    "total_assets": "total_assets", "customer_class": "customer_class", "segment": "segment",
    "manager_id": "manager__user_id", "manager_locked": "manager_locked", "created_at": "created_at",
    "updated_at": "updated_at",
}
_FILTER_NAMES = frozenset(CustomerFilterSerializer._declared_fields)


def _manager_name(row: dict) -> str | None:
    return row["manager__user__name"] or row["manager__user__username"]  # User.display_name; None: no manager


# Fields that render a value of their column's own type (str, int, bool, a list of names) as it is.
_AS_IS = (serializers.CharField, serializers.IntegerField, serializers.BooleanField, serializers.ChoiceField,
          serializers.ListField)


def _representation(field: serializers.Field) -> Callable[[Any], Any] | None:
    """How a row's value renders as `field` renders it: None for as it is; an aware datetime (every one the
    database gives) as DRF's ISO 8601 in the field's time zone, without the checks of `to_representation`
    for values a row never holds (half of naming and rendering a page went to them)."""
    if isinstance(field, _AS_IS):
        return None
    if isinstance(field, serializers.DateTimeField) and getattr(field, "format", api_settings.DATETIME_FORMAT) \
            == ISO_8601 and hasattr(field, "timezone"):
        zone = field.timezone

        def iso_8601(value):
            text = value.astimezone(zone).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return iso_8601
    return field.to_representation


@functools.cache
def _row_fields() -> list[tuple[str, Callable[[dict], Any], Callable[[Any], Any] | None]]:
    """(name, how to read its value from a `customer_rows` row, how the serializer's field renders it or
    None when as it is), in the serializer's field order."""
    readers: dict[str, Callable[[dict], Any]] = {name: itemgetter(column) for name, column in _ROW_VALUES.items()}
    readers["manager_name"] = _manager_name
    readers["needs"], readers["hobbies"] = itemgetter("needs"), itemgetter("hobbies")
    return [
        (name, readers[name], _representation(field))
        for name, field in CustomerSerializer().fields.items() if not field.write_only
    ]


def customer_list_data(rows: list[dict]) -> list[dict]:
    """A page of `customers.selectors.customer_rows` as the API renders customers."""
    fields = _row_fields()
    data = []
    for row in customer_rows_named(rows):
        item = {}
        for name, read, represent in fields:
            value = read(row)
            item[name] = value if value is None or represent is None else represent(value)
        data.append(item)
    return data


_USER = "user_id"


def _customer_lists(shape: tuple, values: dict) -> tuple[QuerySet, QuerySet]:
    """A list page's customers as rows, and the same customers to count, from the shape and values that
    `CustomerListView.list` gives its `PreparedPage`."""
    scope, bound, shaping = shape
    filters = {**dict(shaping), **{name: values[name] for name in bound}}
    rows = customers_in_scope(scope, values[_USER], among=customer_rows())
    return customers_filtered(rows, filters), customers_filtered(customers_in_scope(scope, values[_USER]), filters)


_PAGES = prepared_pages(_customer_lists)


class CustomerListView(generics.ListAPIView):
    """Customers the caller may list: every customer (admin) or their own book (manager), filtered,
    by pages of a key range (`next`/`previous` carry the cursor)."""

    serializer_class = CustomerSerializer
    permission_classes = [api_permission(can_list_customers)]
    pagination_class = KeysetPagination

    def get_queryset(self):
        return customers_filtered(customers_visible_to(self.request.user), self._filters)

    def list(self, request, *args, **kwargs):
        filters = self._filters
        shaping = tuple((name, filters[name]) for name in _SHAPING_FILTERS if filters.get(name) is not None)
        bound = {name: value for name, value in filters.items() if name not in _SHAPING_FILTERS and value is not None}
        shape = (customer_scope(request.user), tuple(sorted(bound)), shaping)
        page = PreparedPage(_PAGES, shape, {_USER: request.user.pk, **bound})
        return self.get_paginated_response(customer_list_data(self.paginator.paginate_queryset(page, request, self)))

    @functools.cached_property
    def _filters(self) -> dict[str, Any]:
        """The query's filters, validated (400 otherwise)."""
        if _FILTER_NAMES.isdisjoint(self.request.query_params):
            return {}
        filters = CustomerFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return filters.validated_data

    @extend_schema(
        tags=["customers"],
        parameters=[
            *_filter_parameters(),
            OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": 200}),
        ],
        responses={200: CustomerSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CustomerProfileView(generics.GenericAPIView):
    """One customer's portrait: the customer and an admin read and change it; their manager reads it.

    A customer who has not filled in a portrait yet gets an empty one; the first PUT creates it.
    """

    serializer_class = CustomerSerializer

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [api_permission(is_signed_in, objects=can_view_customer)()]
        return [api_permission(is_signed_in, objects=can_edit_portrait)()]

    def get_object(self) -> CustomerProfile:
        user = get_object_or_404(User.objects.filter(role=Role.CUSTOMER), pk=self.kwargs["id"])
        profile = (
            CustomerProfile.objects.select_related("user", "manager__user")
            .prefetch_related("needs", "hobbies")
            .filter(user=user)
            .first()
        ) or CustomerProfile(user=user)
        if not can_view_customer(self.request.user, profile):
            raise NotFound  # nobody learns that a customer they may not see exists
        self.check_object_permissions(self.request, profile)
        return profile

    @extend_schema(
        tags=["customers"],
        parameters=[id_parameter("The customer's user id.")],
        responses={200: CustomerSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        tags=["customers"],
        parameters=[id_parameter("The customer's user id.")],
        responses={200: CustomerSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def put(self, request, *args, **kwargs):
        return self._save(partial=False)

    @extend_schema(
        tags=["customers"],
        parameters=[id_parameter("The customer's user id.")],
        responses={200: CustomerSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def patch(self, request, *args, **kwargs):
        return self._save(partial=True)

    def _save(self, *, partial: bool) -> Response:
        profile = self.get_object()
        serializer = self.get_serializer(profile, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        current = {
            "age": profile.age,
            "occupation": profile.occupation,
            "total_assets": profile.total_assets,
            "needs": [] if profile.pk is None else list(profile.needs.all()),
            "hobbies": [] if profile.pk is None else list(profile.hobbies.all()),
        }
        values = {**current, **serializer.validated_data}
        if values["age"] is None:
            raise serializers.ValidationError({"age": [_("This field is required.")]})
        saved = customer_portrait_save(user=profile.user, actor=self.request.user, **values)
        saved = (
            CustomerProfile.objects.select_related("user", "manager__user")
            .prefetch_related("needs", "hobbies")
            .get(pk=saved.pk)
        )
        return Response(self.get_serializer(saved).data)
