"""Who may see or change what: the one module that knows each role's rights.

- customer: their own portrait, their own manager's name;
- manager: their own customers, read-only, and their own profile (not its capacity);
- admin (role admin, or a superuser): everything, through the console, the API and the Django admin;
  only a superuser changes privileges (superuser and staff flags, groups, permissions, roles).

Pages use `access_required` / `AccessRequiredMixin`, the API `api_permission(...)`, and every list
starts from a scoping selector (`customers_visible_to(user, CustomerProfile.objects.all())`,
`managers_visible_to(user, ManagerProfile.objects.all())`), so no view filters by role itself. Accounts
sits below the apps that own the profiles: callers pass the profiles to scope.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from rest_framework.permissions import BasePermission

from .models import Role

Predicate = Callable[..., bool]


# --- who the user is ----------------------------------------------------------------------------

def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_customer(user) -> bool:
    return is_signed_in(user) and user.role == Role.CUSTOMER and not user.is_superuser


def is_manager(user) -> bool:
    return is_signed_in(user) and user.role == Role.MANAGER and not user.is_superuser


def is_admin(user) -> bool:
    return is_signed_in(user) and (user.role == Role.ADMIN or user.is_superuser)


# --- what they may do ---------------------------------------------------------------------------

can_use_portrait_page = is_customer
can_use_workspace = is_manager
can_use_console = is_admin
can_run_matching = is_admin
can_assign_by_hand = is_admin
can_move_book = is_admin
can_import = is_admin
can_export = is_admin
can_read_audit = is_admin
can_set_capacity = is_admin
can_plan_capacity = is_admin  # capacity plans and what-if scenarios: save, evaluate, apply
# The branch a customer belongs to, the branch and service tiers a manager serves: who may be matched with whom.
can_set_service_area = is_admin


def can_change_privileges(user) -> bool:
    """Superuser and staff flags, groups, permissions and roles: a superuser's decision only."""
    return is_signed_in(user) and user.is_superuser


def can_set_password_of(user, account) -> bool:
    """Setting another account's password (and so knowing it) is a superuser's power; anyone else with the
    right to change that account sends a reset link to its owner (`user_password_reset_send`)."""
    return is_signed_in(user) and (user.is_superuser or user.pk == account.pk)


def can_view_customer(user, customer) -> bool:
    if is_admin(user):
        return True
    if is_customer(user):
        return customer.user_id == user.pk
    if is_manager(user):
        return customer.manager_id is not None and customer.manager.user_id == user.pk
    return False


def can_edit_portrait(user, customer) -> bool:
    """The customer themselves, or an admin; a manager reads their customers' portraits only."""
    return is_admin(user) or (is_customer(user) and customer.user_id == user.pk)


def can_view_manager(user, manager) -> bool:
    return is_admin(user) or (is_manager(user) and manager.user_id == user.pk)


def can_read_book_report(user, manager) -> bool:
    """A manager's book report (insights.reports): admins for every manager, a manager for their own."""
    return can_view_manager(user, manager)


def can_read_branch_report(user, branch) -> bool:
    """A branch's report (the books of its managers, insights.reports): admins only. A manager reads their
    own book's report, not their branch's (issue 22: admins see every manager and branch)."""
    return is_admin(user)


def can_edit_manager_profile(user, manager) -> bool:
    """Capabilities, hobbies and the accepting flag; capacity needs `can_set_capacity` as well."""
    return can_view_manager(user, manager)


def can_log_contact(user, customer) -> bool:
    """Record a contact with `customer` (and edit the log): only the customer's current manager."""
    return is_manager(user) and customer.manager_id is not None and customer.manager.user_id == user.pk


def can_read_contacts(user, customer) -> bool:
    """A customer's contact log: their current manager and admins (read-only); never the customer."""
    return is_admin(user) or can_log_contact(user, customer)


def can_edit_contact(user, contact) -> bool:
    """Change an entry of the log: the customer's current manager, for an entry they recorded themselves
    (a predecessor's entries stay as they wrote them)."""
    return can_log_contact(user, contact.customer) and contact.manager.user_id == user.pk


def can_use_contacts_api(user) -> bool:
    """The contact log's API: managers (their own customers') and admins (read-only); never customers."""
    return is_admin(user) or is_manager(user)


def can_list_customers(user) -> bool:
    """A list of customers: an admin's (everyone) or a manager's (their own book)."""
    return is_admin(user) or is_manager(user)


can_list_managers = is_admin


# --- what they may see: every list starts here ---------------------------------------------------

def customers_visible_to(user, customers: QuerySet) -> QuerySet:
    """The customer portraits among `customers` that `user` may read: all (admin), their own book
    (manager), their own (customer), none (anyone else).

    The caller passes the portraits (`CustomerProfile.objects.all()`, or rows already narrowed): accounts
    sits below the customers app and names no model of it.
    """
    if is_admin(user):
        return customers.all()
    if is_manager(user):
        return customers.filter(manager__user_id=user.pk)
    if is_customer(user):
        return customers.filter(user_id=user.pk)
    return customers.none()


def managers_visible_to(user, managers: QuerySet) -> QuerySet:
    """The manager profiles among `managers` that `user` may read: all (admin), their own (manager), their
    own manager's (customer), none (anyone else). The caller passes them (`ManagerProfile.objects.all()`)."""
    if is_admin(user):
        return managers.all()
    if is_manager(user):
        return managers.filter(user_id=user.pk)
    if is_customer(user):
        return managers.filter(customers__user_id=user.pk)
    return managers.none()


# --- requests for another manager (change_requests) ----------------------------------------------
# The customer asks and reads their own requests (reason, text, the decision and its reply); admins read
# the queue and decide. The customer's current manager learns that a request is open and its reason
# category, never the customer's own words: those are for whoever decides.

can_request_manager_change = is_customer
can_decide_change_requests = is_admin


def can_use_change_requests(user) -> bool:
    """The requests' list and API: a customer (their own) or an admin (the queue)."""
    return is_admin(user) or is_customer(user)


def can_view_change_request(user, change_request) -> bool:
    """One request, with its text and reply: the customer who asked, or an admin."""
    return is_admin(user) or (is_customer(user) and change_request.customer.user_id == user.pk)


def can_see_change_request_notice(user, customer) -> bool:
    """That `customer` has an open request, and its reason category: their current manager."""
    return is_manager(user) and customer.manager_id is not None and customer.manager.user_id == user.pk


def change_requests_visible_to(user, requests: QuerySet) -> QuerySet:
    """The requests of `requests` that `user` may read: all (admin), their own (customer), none otherwise."""
    if is_admin(user):
        return requests.all()
    if is_customer(user):
        return requests.filter(customer__user_id=user.pk)
    return requests.none()


# --- notifications ------------------------------------------------------------------------------
# Everyone signed in has an inbox and reads, marks read and sets the e-mail of their own notifications only
# (the selectors start from the user's own: anyone else's is a 404).

can_use_notifications = is_signed_in


def home_url_name(user) -> str:
    """Where each role lands after signing in (URL names of the surfaces)."""
    if is_admin(user):
        return "console:dashboard"
    if is_manager(user):
        return "portal:workspace"
    if is_customer(user):
        return "portal:me"
    return "login"


# --- pages --------------------------------------------------------------------------------------

def access_required(predicate: Predicate):
    """View decorator: anonymous users go to sign in; signed-in users without the right get a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_signed_in(request.user):
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class AccessRequiredMixin:
    """Class-based views: set `access = staticmethod(can_use_console)` (or another predicate)."""

    access: Predicate = staticmethod(is_signed_in)

    def dispatch(self, request, *args, **kwargs):
        if not is_signed_in(request.user):
            return redirect_to_login(request.get_full_path())
        if not self.access(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- the API ------------------------------------------------------------------------------------

def api_permission(predicate: Predicate, *, objects: Predicate | None = None) -> type[BasePermission]:
    """A DRF permission class from the same predicates: `predicate(user)` for the endpoint and,
    when given, `objects(user, obj)` for the object it acts on."""

    class PredicatePermission(BasePermission):
        def has_permission(self, request, view) -> bool:
            return predicate(request.user)

        def has_object_permission(self, request, view, obj) -> bool:
            return objects is None or objects(request.user, obj)

    PredicatePermission.__name__ = f"Allows_{getattr(predicate, '__name__', 'predicate')}"
    return PredicatePermission
