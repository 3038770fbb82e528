"""A customer's contact log: `GET/POST /api/customers/{id}/contacts` (`id`: the customer's user id).

Their current manager reads and records; admins read; customers never (403). A customer outside the
caller's book is a 404, as on `/api/customers/{id}/profile`: nobody learns that they exist.
"""
from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.access import (
    api_permission, can_log_contact, can_read_contacts, can_use_contacts_api, can_view_customer,
)
from accounts.models import Role
from contacts.models import SUMMARY_MAX_LENGTH, Channel
from contacts.selectors import contact_list
from contacts.services import contact_create
from customers.models import CustomerProfile
from managers.models import ManagerProfile

from .common import error_responses, id_parameter

User = get_user_model()
BANK_TIME_ZONE = timezone.get_default_timezone()


class ContactSerializer(serializers.Serializer):
    """One entry of the log. Writable: contacted_at, channel, summary, next_follow_up."""

    id = serializers.IntegerField(read_only=True)
    customer_id = serializers.IntegerField(source="customer.user_id", read_only=True,
                                           help_text="The customer's user id.")
    manager_id = serializers.IntegerField(source="manager.user_id", read_only=True,
                                          help_text="The user id of the manager who recorded it.")
    manager_name = serializers.CharField(source="manager.user.display_name", read_only=True)
    contacted_at = serializers.DateTimeField(
        default_timezone=BANK_TIME_ZONE,
        help_text="When; without an offset, in the bank's time zone. Not in the future.",
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    summary = serializers.CharField(max_length=SUMMARY_MAX_LENGTH)
    next_follow_up = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The day to follow up; not before the contact.",
    )
    created_at = serializers.DateTimeField(read_only=True, default_timezone=BANK_TIME_ZONE)
    updated_at = serializers.DateTimeField(read_only=True, default_timezone=BANK_TIME_ZONE)


class ContactListView(generics.ListCreateAPIView):
    """A customer's contact log, newest first (pages of `page_size`), and recording a contact."""

    serializer_class = ContactSerializer

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [api_permission(can_use_contacts_api, objects=can_read_contacts)()]
        return [api_permission(can_use_contacts_api, objects=can_log_contact)()]

    @functools.cached_property
    def customer(self) -> CustomerProfile:
        user = get_object_or_404(User.objects.filter(role=Role.CUSTOMER), pk=self.kwargs["id"])
        customer = CustomerProfile.objects.select_related("user", "manager__user").filter(user=user).first()
        if customer is None or not can_view_customer(self.request.user, customer):
            raise NotFound  # nobody learns that a customer they may not see exists
        self.check_object_permissions(self.request, customer)
        return customer

    def get_queryset(self):
        return contact_list(customer=self.customer).select_related("customer")

    def perform_create(self, serializer):
        manager = ManagerProfile.objects.select_related("user").get(user=self.request.user)
        serializer.instance = contact_create(
            customer=self.customer, manager=manager, actor=self.request.user, **serializer.validated_data,
        )

    @extend_schema(
        tags=["contacts"],
        parameters=[
            id_parameter("The customer's user id."),
            OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": 200}),
        ],
        responses={200: ContactSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["contacts"],
        parameters=[id_parameter("The customer's user id.")],
        request=ContactSerializer,
        responses={201: ContactSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, *args, **kwargs):
        self.customer  # noqa: B018 - 404 or 403 before the body is read
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self.get_serializer(serializer.instance).data, status=status.HTTP_201_CREATED)
