"""Admin for accounts.

A user's profile is edited as an inline of that user; which inline shows depends on the role. The
inlines live with their models (customers.admin, managers.admin) and register here through
`register_profile_inline`, so accounts imports neither app (apps depend one way: accounts <- customers).
"""
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import LargeTablePaginator

from .models import Role, User

class ProfileUserColumns:
    """Columns of a profile's user, labelled and sorted like the user's own (list_select_related "user")."""

    @admin.display(description=_("username"), ordering="user__username")
    def username(self, profile) -> str:
        return profile.user.username

    @admin.display(description=_("display name"), ordering="user__name")
    def display_name(self, profile) -> str:
        return profile.user.name

    @admin.display(description=_("account active"), boolean=True, ordering="user__is_active")
    def account_active(self, profile) -> bool:
        return profile.user.is_active


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    paginator = LargeTablePaginator
    show_full_result_count = False

    list_display = ("username", "name", "role", "email", "is_active", "is_staff", "last_login")
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Portrait"), {"fields": ("role", "name")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {
            "classes": ("wide",),
            "fields": ("username", "role", "name", "usable_password", "password1", "password2"),
        }),
    )
    readonly_fields = ("last_login", "date_joined")

    #: role -> the inline of that role's profile; filled by `register_profile_inline`.
    profile_inlines: dict[str, type[InlineModelAdmin]] = {}

    def get_inlines(self, request, obj):
        """The profile that goes with the user's stored role; none on the add page or for administrators."""
        inline = self.profile_inlines.get(obj.role) if obj is not None else None
        return [inline] if inline else []


def register_profile_inline(role: Role, inline: type[InlineModelAdmin]) -> None:
    """Show `inline` on the change page of users of `role`."""
    UserAdmin.profile_inlines[role] = inline
