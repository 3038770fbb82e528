"""Admin for accounts.

A user's profile is edited as an inline of that user; which inline shows depends on the role. The
inlines live with their models (customers.admin, managers.admin) and register here through
`register_profile_inline`, so accounts imports neither app (apps depend one way: accounts <- customers).
"""
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record, field_changes
from core.admin import LargeTablePaginator

from . import access
from .models import Role, User
from .services import user_role_change_problem

#: What makes a user powerful: only a superuser changes these (`access.can_change_privileges`).
PRIVILEGE_FIELDS = ("role", "is_staff", "is_superuser", "groups", "user_permissions")
#: Fields whose changes the audit log records when a user is saved here (the password has its own event).
AUDITED_FIELDS = ("username", "name", "email", "first_name", "last_name", "is_active", *PRIVILEGE_FIELDS)

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


class PortraitUserChangeForm(UserChangeForm):
    def clean_role(self):
        role = self.cleaned_data["role"]
        if problem := user_role_change_problem(user=self.instance, role=role):
            raise ValidationError(problem, code="role_change_orphans_profile")
        return role


def _user_state(user: User) -> dict:
    state = {name: getattr(user, name) for name in AUDITED_FIELDS if name not in ("groups", "user_permissions")}
    state["groups"] = sorted(user.groups.values_list("name", flat=True))
    state["user_permissions"] = sorted(
        f"{app}.{codename}"
        for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")
    )
    return state


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users; privileges (role, staff, superuser, groups, permissions) are a superuser's to change.

    Anyone else with the change permission sees them read-only, and may change neither a staff member
    nor a superuser (their password included): otherwise resetting an administrator's password would be
    a way to become one. Every save is audited with the fields that changed.
    """

    form = PortraitUserChangeForm
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

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not access.can_change_privileges(request.user):
            fields += tuple(name for name in PRIVILEGE_FIELDS if name not in fields)
        return fields

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or access.can_change_privileges(request.user) or obj.pk == request.user.pk:
            return True
        return not (obj.is_staff or obj.is_superuser)

    def save_model(self, request, obj, form, change):
        request._audit_user_before = _user_state(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user, before = form.instance, getattr(request, "_audit_user_before", None)
        after = _user_state(user)
        if before is None:
            audit_record(actor=request.user, action="user.created", target=user, summary=user.username,
                         changes={name: (None, value) for name, value in after.items() if value not in ("", [], None)})
        elif changes := field_changes(before, after):
            audit_record(actor=request.user, action="user.updated", target=user, summary=user.username, changes=changes)

    def get_inlines(self, request, obj):
        """The profile that goes with the user's stored role; none on the add page or for administrators."""
        inline = self.profile_inlines.get(obj.role) if obj is not None else None
        return [inline] if inline else []


def register_profile_inline(role: Role, inline: type[InlineModelAdmin]) -> None:
    """Show `inline` on the change page of users of `role`."""
    UserAdmin.profile_inlines[role] = inline
