"""The signed-in user's notifications: `GET /api/notifications` (newest first, pages, with the `unread`
count), `POST /api/notifications/{id}/read`, and their e-mail settings (`GET/PATCH /api/notifications/settings`).
Anyone else's notification is a 404: nobody learns it exists.

People are named by user id, as everywhere in the API (`customer_id`, `previous_manager_id`, `new_manager_id`).
"""
from __future__ import annotations

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import api_permission, can_use_notifications
from notifications.models import Notification
from notifications.selectors import notification_settings_of, notifications_of, unread_count
from notifications.services import notification_mark_read, notification_settings_update

from ..pagination import PagePagination
from .common import error_responses, id_parameter


class NotificationSerializer(serializers.ModelSerializer):
    """One notification: whose manager changed, from whom to whom, why, and whether it was read."""

    customer_id = serializers.IntegerField(
        source="customer.user_id", read_only=True, allow_null=True,
        help_text="The customer's user id; null: a manager's summary of several customers (see `customers`).",
    )
    customer_name = serializers.CharField(source="customer.user.display_name", read_only=True, allow_null=True)
    customers = serializers.IntegerField(
        read_only=True, help_text="How many customers the notification is about: 1, or more in a manager's "
                                  "summary of a large change (their book lists them).",
    )
    previous_manager_id = serializers.IntegerField(source="previous_manager.user_id", read_only=True,
                                                   allow_null=True, help_text="The previous manager's user id.")
    previous_manager_name = serializers.CharField(source="previous_manager.user.display_name", read_only=True,
                                                  allow_null=True)
    new_manager_id = serializers.IntegerField(source="new_manager.user_id", read_only=True, allow_null=True,
                                              help_text="The new manager's user id; null: none for now.")
    new_manager_name = serializers.CharField(source="new_manager.user.display_name", read_only=True,
                                             allow_null=True)
    run_id = serializers.IntegerField(read_only=True, allow_null=True,
                                      help_text="The matching run that made the change; null: by hand.")
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id", "audience", "kind", "customer_id", "customer_name", "customers", "previous_manager_id",
            "previous_manager_name", "new_manager_id", "new_manager_name", "run_id", "created_at", "read",
            "read_at",
        ]
        read_only_fields = fields


class InboxPagination(PagePagination):
    """Pages of notifications, with how many of all of them are unread (`unread`)."""

    page_size = 20

    def paginate_queryset(self, queryset, request, view=None):
        self.unread = unread_count(request.user)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {"unread": self.unread, **response.data}
        return response

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["unread", "count", "results"]
        response["properties"] = {
            "unread": {"type": "integer", "example": 3, "description": "How many of the user's are unread."},
            **response["properties"],
        }
        return response


class NotificationListView(generics.ListAPIView):
    """The signed-in user's notifications, newest first, and how many are unread."""

    serializer_class = NotificationSerializer
    pagination_class = InboxPagination
    permission_classes = [api_permission(can_use_notifications)]

    def get_queryset(self):
        return notifications_of(self.request.user)

    @extend_schema(tags=["notifications"], responses={200: NotificationSerializer(many=True),
                                                      **error_responses(401, 404)})  # 404: no such page
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationReadView(APIView):
    """Mark one of one's own notifications read (already read: unchanged)."""

    permission_classes = [api_permission(can_use_notifications)]

    @extend_schema(
        tags=["notifications"], request=None, parameters=[id_parameter("The notification's id.")],
        responses={200: NotificationSerializer, **error_responses(401, 404)},
    )
    def post(self, request, id: int):
        notification = notifications_of(request.user).filter(pk=id).first()
        if notification is None:
            raise Http404
        notification = notification_mark_read(notification=notification, user=request.user)
        return Response(NotificationSerializer(notification).data)


class NotificationSettingsSerializer(serializers.Serializer):
    email_enabled = serializers.BooleanField(help_text="Whether notifications also come by e-mail.")
    language = serializers.ChoiceField(
        choices=[("", "the site's"), *settings.LANGUAGES], allow_blank=True,
        help_text="The e-mail's language; empty: the site's (LANGUAGE_CODE).",
    )


class NotificationSettingsView(APIView):
    """One's own e-mail settings: whether notifications come by e-mail too, and in which language."""

    permission_classes = [api_permission(can_use_notifications)]

    @extend_schema(tags=["notifications"], responses={200: NotificationSettingsSerializer, **error_responses(401)})
    def get(self, request):
        return Response(NotificationSettingsSerializer(notification_settings_of(request.user)).data)

    @extend_schema(
        tags=["notifications"], request=NotificationSettingsSerializer,
        responses={200: NotificationSettingsSerializer, **error_responses(400, 401)},
    )
    def patch(self, request):
        body = NotificationSettingsSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        current = notification_settings_of(request.user)
        wishes = notification_settings_update(
            user=request.user, actor=request.user,
            **{"email_enabled": current.email_enabled, "language": current.language, **body.validated_data},
        )
        return Response(NotificationSettingsSerializer(wishes).data)
