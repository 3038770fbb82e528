"""Sign in, refresh, verify, register, sign out: JWT access tokens (short) and refresh tokens (rotating).

Login answers what the older React front end reads (`token`, `msg`, `user`) next to simplejwt's
`access` and `refresh`. Sign-in and sign-out send Django's `user_logged_in` / `user_logged_out`
signals, so the audit log and the lockout see API sign-ins like page sign-ins.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.services import user_register_customer

from ..throttles import AuthRateThrottle
from .common import ProtectedFieldsMixin, UserSummarySerializer, error_responses

User = get_user_model()


def user_summary(user) -> dict:
    return {"id": user.pk, "username": user.username, "name": user.name, "role": user.role}


def _tokens(user, msg: str) -> dict:
    refresh = RefreshToken.for_user(user)
    access = str(refresh.access_token)
    return {"access": access, "refresh": str(refresh), "token": access, "msg": msg, "user": user_summary(user)}


class TokensSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="JWT access token: send as `Authorization: Bearer <access>`.")
    refresh = serializers.CharField(help_text="JWT refresh token, for /api/auth/refresh and /api/auth/logout.")
    token = serializers.CharField(help_text="The access token again (the older front end reads `token`).")
    msg = serializers.CharField(help_text="A sentence for the user.")
    user = UserSummarySerializer()


class PublicView(APIView):
    """No credentials needed; a refused token or password is still a 401 with a Bearer challenge."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class LoginView(PublicView):
    """Sign in with a username and password."""

    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        tags=["auth"], request=LoginSerializer, responses={200: TokensSerializer, **error_responses(400, 401, 429)},
        auth=[],
    )
    def post(self, request):
        LoginSerializer(data=request.data).is_valid(raise_exception=True)
        # Django's request, not DRF's wrapper: django-axes marks a locked-out attempt on the request it is
        # given, and its middleware (which sees only Django's request) then answers the lockout's 429.
        serializer = TokenObtainPairSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)  # wrong credentials: AuthenticationFailed (401)
        user = serializer.user
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({
            "access": serializer.validated_data["access"],
            "refresh": serializer.validated_data["refresh"],
            "token": serializer.validated_data["access"],
            "msg": _("Signed in."),
            "user": user_summary(user),
        })


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class RefreshedSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField(help_text="A new refresh token: the one sent is revoked (rotation).")


class RefreshView(PublicView):
    """A new access token, and a new refresh token; the refresh token sent can no longer be used."""

    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        tags=["auth"],
        request=RefreshSerializer,
        responses={200: RefreshedSerializer, **error_responses(400, 401, 429)},
        auth=[],
    )
    def post(self, request):
        RefreshSerializer(data=request.data).is_valid(raise_exception=True)
        serializer = TokenRefreshSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        return Response(serializer.validated_data)


class VerifySerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=4096,
        required=False,
        help_text="An access token; without it, the one in the Authorization header is checked.",
    )


class VerifyView(APIView):
    """Who a valid access token belongs to (401 when it is invalid or expired)."""

    permission_classes = [AllowAny]
    authentication_classes = [JWTAuthentication]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        tags=["auth"],
        request=VerifySerializer,
        responses={200: UserSummarySerializer, **error_responses(400, 401, 429)},
        auth=[{"jwtAuth": []}, {}],  # the token in the header, or in the body
    )
    def post(self, request):
        body = VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if token := body.validated_data.get("token"):
            try:
                validated = AccessToken(token)
            except TokenError as exc:
                raise InvalidToken(exc.args[0]) from exc
            user = JWTAuthentication().get_user(validated)
        elif request.user.is_authenticated:
            user = request.user
        else:
            raise NotAuthenticated
        return Response(user_summary(user))


class RegisterSerializer(ProtectedFieldsMixin, serializers.Serializer):
    # Privileges, and what matching decides: refused, so nobody believes they chose a manager or a class.
    protected_fields = {
        name: None
        for name in ("is_staff", "is_superuser", "groups", "user_permissions", "manager", "manager_id",
                     "manager_locked", "customer_class", "segment", "capacity")
    }

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(
        choices=[("customer", "customer")],
        required=False,
        write_only=True,
        help_text="Only customers register themselves (the older front end sends the role).",
    )

    def validate(self, attrs):
        self.refuse_protected({})
        attrs.pop("role", None)
        return attrs


class RegisterView(PublicView):
    """Create a customer account (never another role) and sign it in."""

    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        tags=["auth"],
        request=RegisterSerializer,
        responses={201: TokensSerializer, **error_responses(400, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_register_customer(**serializer.validated_data)
        return Response(_tokens(user, _("Registered.")), status=status.HTTP_201_CREATED)


class LogoutView(PublicView):
    """Sign out: the refresh token is revoked (blacklisted); access tokens expire on their own."""

    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        tags=["auth"],
        request=RefreshSerializer,
        responses={204: None, **error_responses(400, 401, 429)},
        auth=[],
    )
    def post(self, request):
        body = RefreshSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            token = RefreshToken(body.validated_data["refresh"])
            token.blacklist()
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        user = User.objects.filter(pk=token.payload.get("user_id")).first()
        if user is not None:
            user_logged_out.send(sender=user.__class__, request=request._request, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
