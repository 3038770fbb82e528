"""The audit log in words: what each recorded action and object type is called on pages.

The codes stay as recorded (`customers.imported`, `matching.backgroundjob`): exports and other systems read
them. People read these labels (`docs/glossary.md`). Strings only, so the audit app imports nothing above it.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "auth.signed_in": _("Signed in"),
    "auth.signed_out": _("Signed out"),
    "auth.sign_in_failed": _("Sign-in failed"),
    "auth.locked_out": _("Locked out after failed sign-ins"),
    "user.created": _("Account created"),
    "user.registered": _("Signed up"),
    "user.updated": _("Account changed"),
    "user.password_changed": _("Password changed"),
    "customer.portrait_created": _("Portrait filled in"),
    "customer.portrait_updated": _("Portrait changed"),
    "customer.assigned": _("Manager assigned by hand"),
    "customer.unlocked": _("Customers unlocked"),
    "customer.deactivated": _("Customer deactivated"),
    "customer.branch_changed": _("Customer branch changed"),
    "customers.imported": _("Customers imported"),
    "customers.imported_checked": _("Customer file checked"),
    "customers.exported": _("Customers exported"),
    "managers.imported": _("Managers imported"),
    "managers.imported_checked": _("Manager file checked"),
    "manager.created": _("Manager profile created"),
    "manager.profile_updated": _("Manager profile changed"),
    "manager.contact_updated": _("Manager phone changed"),
    "manager.availability_updated": _("Manager capacity or availability changed"),
    "manager.service_area_updated": _("Manager branch or service tiers changed"),
    "matching.run": _("Managers assigned automatically"),
    "matching.dry_run": _("Automatic assignment tried without saving"),
    "matching.previewed": _("Assignment previewed"),
    "matching.plan_applied": _("Previewed assignment applied"),
    "matching.move_cost_curve": _("Move costs compared for a preview"),
    "matching.undo": _("Assignment undone"),
    "matching.manual": _("Manual reassignment"),
    "matching.book_transfer": _("Manager's customers moved"),
    "matching.segments": _("Customers grouped"),
    "reports.exported": _("Report downloaded"),
    "branch.created": _("Branch created"),
    "branch.changed": _("Branch changed"),
    "branch.deleted": _("Branch deleted"),
    "planning.scenario_saved": _("Capacity scenario saved"),
    "planning.scenario_deleted": _("Capacity scenario deleted"),
    "planning.scenario_applied": _("Capacity scenario applied"),
    "demo.seeded": _("Demo data created"),
}

# `job.<kind>_requested`: a background job was asked for.
JOB_REQUESTS = {
    "run": _("Automatic assignment requested"),
    "preview": _("Preview requested"),
    "apply": _("Applying a preview requested"),
    "undo": _("Undo requested"),
    "segment": _("Grouping requested"),
    "transfer": _("Moving a manager's customers requested"),
    "move_cost_curve": _("Comparing move costs requested"),
    "import": _("Import requested"),
}

OBJECT_TYPES = {
    "customers.customerprofile": _("Customer"),
    "managers.managerprofile": _("Manager"),
    "accounts.user": _("Account"),
    "matching.matchingrun": _("Assignment run"),
    "matching.matchingplan": _("Preview"),
    "matching.backgroundjob": _("Background job"),  # before the jobs app
    "jobs.backgroundjob": _("Background job"),
    "matching.segment": _("Customer groups"),
    "vocabularies.branch": _("Branch"),
    "planning.capacityscenario": _("Capacity scenario"),
}

# Changed fields as people call them (field names stay in the export).
FIELDS = {
    "manager": _("Manager"),
    "age": _("Age"),
    "occupation": _("Occupation"),
    "total_assets": _("Total assets"),
    "needs": _("Needs"),
    "hobbies": _("Hobbies"),
    "capacity": _("Capacity"),
    "accepting_customers": _("Accepting new customers"),
    "is_active": _("Active"),
    "name": _("Name"),
    "email": _("E-mail"),
    "role": _("Role"),
    "capabilities": _("Services offered"),
    "phone": _("Phone"),
    "branch": _("Branch"),
    "tiers": _("Service tiers served"),
    "code": _("Code"),
    "region": _("Region"),
    "changes": _("Changes"),
}


def action_label(code: str) -> str:
    """A recorded action in words; an action no one named yet is shown as recorded."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    if code.startswith("job.") and code.endswith("_requested"):
        kind = code.removeprefix("job.").removesuffix("_requested")
        if kind in JOB_REQUESTS:
            return str(JOB_REQUESTS[kind])
    return code


def object_type_label(code: str) -> str:
    return str(OBJECT_TYPES.get(code, code))


def field_label(name: str) -> str:
    return str(FIELDS.get(name, name))


def actions_matching(text: str) -> list[str]:
    """The action codes whose words (in the active language) or code contain `text`, for the log's filter."""
    text = text.casefold()
    codes = [*ACTIONS, *(f"job.{kind}_requested" for kind in JOB_REQUESTS)]
    return [code for code in codes if text in code.casefold() or text in action_label(code).casefold()]
