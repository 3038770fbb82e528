"""Customers: the list (an admin's, or a manager's own book; `customers.filters`) and one portrait.

Ids in paths and bodies are user ids, as in the older system (`/api/customers/:id/profile`, where
`:id` is the id the login answer gives).
"""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from accounts.access import (
    api_permission, can_edit_portrait, can_list_customers, can_set_service_area, can_view_customer,
    customers_visible_to, is_signed_in,
)
from accounts.models import Role
from customers.filters import CustomerFilter
from customers.models import MAX_AGE, MIN_AGE, CustomerClass, CustomerProfile
from customers.selectors import customer_list
from customers.services import customer_branch_set, customer_portrait_save
from vocabularies.models import Branch, Hobby, Service

from ..pagination import KeysetPagination
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
    """A customer's portrait. Writable: age, occupation, total_assets (yuan), needs, hobbies; branch (admin only)."""

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
    branch = serializers.SlugRelatedField(
        slug_field="code", queryset=Branch.objects.all(), allow_null=True, required=False,
        help_text="The branch's code (branches: import_branches or the admin); null: any branch may serve the "
                  "customer. Writable by an admin only.",
    )
    tier = serializers.CharField(source="tier.code", read_only=True,
                                 help_text="The service tier's code, set by total assets (mass, vip, private).")
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


def _parameter_schema(field: forms.Field) -> dict:
    """The OpenAPI schema of a query parameter, from the filter form's field that reads it."""
    if isinstance(field, forms.ModelChoiceField):
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    if isinstance(field, forms.NullBooleanField):
        return {"type": "boolean"}
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [value for value, _label in field.choices if value != ""]}
    if isinstance(field, forms.DecimalField):
        schema = {"type": "number", "maximum": float(MAX_ASSETS)}
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer", "maximum": field.max_value}
    else:
        return {"type": "string", "maxLength": field.max_length}
    return {**schema, "minimum": field.min_value}


def _filter_parameters() -> list[OpenApiParameter]:
    """The list's filters, documented from `customers.filters.CustomerFilter` itself (its form's fields
    and help texts): what the schema says is what the list reads."""
    filters = CustomerFilter()
    return [
        OpenApiParameter(
            name,
            # choices read when a request comes (the branches' codes, the configured tiers): a plain string here
            {"type": "string"} if callable(filters.filters[name].extra.get("choices")) else _parameter_schema(field),
            description=str(field.help_text),
        )
        for name, field in filters.form.fields.items()
    ]


class CustomerListView(generics.ListAPIView):
    """Customers the caller may list: every customer (admin) or their own book (manager), filtered by the
    one customer filter (`customers.filters`), by pages of user ids (`next`/`previous` carry the cursor).

    Queries: the JWT user, the first page's count, the page's rows (user and manager joined), their needs
    and their hobbies: five whatever the page size, plus one for each need or hobby filter (its term is
    checked).
    """

    serializer_class = CustomerSerializer
    permission_classes = [api_permission(can_list_customers)]
    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = CustomerFilter

    def get_queryset(self):
        return customer_list(queryset=customers_visible_to(self.request.user, CustomerProfile.objects.all()))

    @extend_schema(
        tags=["customers"],
        description=(
            "Filters combine (AND). Since the single customer filter: `need` and `hobby` are term ids (they were "
            "names), `customer_class=none` selects the customers not classified yet (an empty value filters "
            "nothing), `q` also matches the occupation, dates are days in the bank's time zone, and ages run "
            f"from 0 to {MAX_AGE}."
        ),
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
            CustomerProfile.objects.select_related("user", "manager__user", "branch")
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
        branch_changes = "branch" in values and values["branch"] != profile.branch
        branch = values.pop("branch", None)
        if branch_changes and not can_set_service_area(self.request.user):
            raise PermissionDenied({"branch": [_("Only an administrator may change a customer's branch.")]})
        if values["age"] is None:
            raise serializers.ValidationError({"age": [_("This field is required.")]})
        with transaction.atomic():  # the portrait and the branch, or neither
            saved = customer_portrait_save(user=profile.user, actor=self.request.user, **values)
            if branch_changes:
                customer_branch_set(customer=saved, branch=branch, actor=self.request.user)
        saved = (
            CustomerProfile.objects.select_related("user", "manager__user", "branch")
            .prefetch_related("needs", "hobbies")
            .get(pk=saved.pk)
        )
        return Response(self.get_serializer(saved).data)
