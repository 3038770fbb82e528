from django.contrib import admin, messages
from django.db.models import BigIntegerField, F
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from accounts.admin import ProfileUserColumns, register_profile_inline
from core.admin import BigTableAdmin
from accounts.models import Role

from .messages import capacity_below_book_warnings
from .models import ManagerProfile
from .selectors import manager_load_expression, manager_loads


class ManagerProfileInline(admin.StackedInline):
    """The profile on its user's change page (accounts.admin.UserAdmin shows it to managers)."""

    model = ManagerProfile
    fk_name = "user"
    extra = 0
    max_num = 1
    can_delete = False  # delete the user instead
    autocomplete_fields = ("capabilities", "hobbies")
    fields = ("capabilities", "hobbies", "capacity", "accepting_customers", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")


register_profile_inline(Role.MANAGER, ManagerProfileInline)


@admin.register(ManagerProfile)
class ManagerProfileAdmin(ProfileUserColumns, BigTableAdmin):
    list_display = (
        "username", "display_name", "capacity", "load", "free_room", "accepting_customers", "account_active",
    )
    list_filter = ("accepting_customers", "user__is_active")
    search_fields = ("user__username", "user__name")  # also the manager autocomplete (matching.admin)
    list_select_related = ("user",)
    autocomplete_fields = ("user", "capabilities", "hobbies")
    fields = ("user", "capabilities", "hobbies", "capacity", "accepting_customers", "load", "free_room",
              "created_at", "updated_at")

    def get_queryset(self, request):
        # Capacity is unsigned on MySQL: cast before subtracting so an overfull manager shows a negative room.
        # The user also for the manager autocomplete of customers, which ignores list_select_related.
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(load=manager_load_expression())
            .annotate(free_room=Cast(F("capacity"), BigIntegerField()) - F("load"))
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in capacity_below_book_warnings([obj], book_sizes=manager_loads([obj.pk])):
            self.message_user(request, warning, messages.WARNING)

    def get_readonly_fields(self, request, obj=None):
        computed = ("load", "free_room", "created_at", "updated_at")
        return (*computed, "user") if obj is not None else computed

    @admin.display(description=_("customers served"), ordering="load")
    def load(self, obj) -> int | None:
        return getattr(obj, "load", None)

    @admin.display(description=_("free room"), ordering="free_room")
    def free_room(self, obj) -> int | None:
        return getattr(obj, "free_room", None)
