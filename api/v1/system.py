"""Health (for load balancers and monitors) and the vocabularies (for clients' forms)."""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import api_permission, is_signed_in
from vocabularies.models import Hobby, Service

from .common import error_responses

logger = logging.getLogger(__name__)


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "error"])
    database = serializers.ChoiceField(choices=["ok", "error"])
    version = serializers.CharField()


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: the database cannot be reached")
        return False
    return True


class HealthView(APIView):
    """Is the service up and its database reachable? No sign-in needed."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["system"], auth=[],
        responses={
            200: HealthSerializer,
            503: OpenApiResponse(HealthSerializer, description="The database cannot be reached."),
        },
    )
    def get(self, request):
        database = database_reachable()
        body = {"status": "ok" if database else "error", "database": "ok" if database else "error",
                "version": settings.PORTRAIT_VERSION}
        return Response(body, status=status.HTTP_200_OK if database else status.HTTP_503_SERVICE_UNAVAILABLE)


class TermSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class VocabularySerializer(serializers.Serializer):
    services = TermSerializer(many=True, help_text="Needs of customers and capabilities of managers.")
    hobbies = TermSerializer(many=True)


class VocabularyView(APIView):
    """The services and hobbies that may be chosen now, in their display order."""

    permission_classes = [api_permission(is_signed_in)]

    @extend_schema(tags=["system"], responses={200: VocabularySerializer, **error_responses(401)})
    def get(self, request):
        return Response({
            "services": list(Service.objects.active().values("id", "name")),
            "hobbies": list(Hobby.objects.active().values("id", "name")),
        })
