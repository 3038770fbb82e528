"""Who sends an API request: the bearer of an access token (JWT), read with one prepared statement."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings

from core.statements import PreparedQueries

_ID = "user_id"
_USERS = PreparedQueries(lambda shape, values: get_user_model().objects.filter(pk=values[_ID]))


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's, reading the user by a statement compiled once: building and compiling the same
    `User.objects.get` on every request was a tenth of an API list page. The user is still read on
    every request, so a deactivated account is refused at once."""

    def get_user(self, validated_token):
        if api_settings.CHECK_REVOKE_TOKEN or api_settings.USER_ID_FIELD != "id":
            return super().get_user(validated_token)
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        users = _USERS.rows("by id", {_ID: user_id})
        if not users:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not users[0].is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return users[0]


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of simplejwt's class (`jwtAuth`), for this one."""

    target_class = "api.authentication.JWTAuthentication"
