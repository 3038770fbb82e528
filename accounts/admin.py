"""Admin for accounts.

A user's profile is edited as an inline of that user; which inline shows depends on the role. The
inlines live with their models (customers.admin, managers.admin) and register here through
`register_profile_inline`, so accounts imports neither app (apps depend one way: accounts <- customers).
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record, field_changes
from core.admin import LargeTablePaginator

from . import access
from .models import Role, User
from .services import user_password_reset_send, user_role_change_problem

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


class AccountCreationForm(forms.ModelForm):
    """A new account without a password, for staff who are not superusers: its owner sets one through the
    reset link sent from the account's page (nobody but them knows it)."""

    class Meta:
        model = User
        fields = ("username", "role", "name", "email")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


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
    nor a superuser: otherwise resetting an administrator's password would be a way to become one.
    Only a superuser sets another account's password (`access.can_set_password_of`), on creation or
    later; other staff get, at the same button, a page that mails the owner a reset link instead, and
    create accounts without a password. Every save is audited with the fields that changed.
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

    staff_add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "role", "name", "email")}),)
    send_reset_template = "admin/accounts/user/send_password_reset.html"

    #: role -> the inline of that role's profile; filled by `register_profile_inline`.
    profile_inlines: dict[str, type[InlineModelAdmin]] = {}

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not access.can_change_privileges(request.user):
            fields += tuple(name for name in PRIVILEGE_FIELDS if name not in fields)
        return fields

    def get_fieldsets(self, request, obj=None):
        if obj is None and not access.can_change_privileges(request.user):
            return self.staff_add_fieldsets
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not access.can_change_privileges(request.user):
            kwargs["form"] = AccountCreationForm
        return super().get_form(request, obj, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        """Django's set-password page for a superuser (or for one's own account); for other staff who may
        change the account, the page that sends its owner a reset link."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if access.can_set_password_of(request.user, user):
            return super().user_change_password(request, id, form_url)
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if request.method == "POST":
            try:
                user_password_reset_send(user=user, actor=request.user, request=request)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, gettext("A link to set a new password was sent to %(email)s.") % {
                    "email": user.email})
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Send a password reset link"),
            "opts": self.opts,
            "original": user,
        }
        return TemplateResponse(request, self.send_reset_template, context)

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
