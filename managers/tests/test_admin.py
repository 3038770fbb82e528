"""The manager admin tells staff what a change means for the book."""
import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


def test_lowering_capacity_below_the_book_needs_confirmation(admin_client):
    manager = ManagerFactory(capacity=5)
    CustomerFactory.create_batch(3, manager=manager)
    url = reverse("admin:managers_managerprofile_change", args=[manager.pk])
    response = admin_client.post(url, {"capacity": "2", "accepting_customers": "on"}, follow=True)
    assert "serves 3 customers, more than the new capacity of 2" in response.content.decode()
    manager.refresh_from_db()
    assert manager.capacity == 5
    admin_client.post(url, {"capacity": "2", "accepting_customers": "on", "confirm_overflow": "on"}, follow=True)
    manager.refresh_from_db()
    assert manager.capacity == 2


def test_no_warning_within_capacity(admin_client):
    manager = ManagerFactory(capacity=5)
    CustomerFactory.create_batch(2, manager=manager)
    url = reverse("admin:managers_managerprofile_change", args=[manager.pk])
    response = admin_client.post(url, {"capacity": "2", "accepting_customers": "on"}, follow=True)
    assert "more than the new capacity" not in response.content.decode()



def test_admin_sets_branch_and_tiers_served(admin_client):
    from vocabularies.tests.factories import BranchFactory

    branch = BranchFactory()
    manager = ManagerFactory(capacity=5)
    url = reverse("admin:managers_managerprofile_change", args=[manager.pk])
    admin_client.post(url, {"capacity": "5", "accepting_customers": "on", "branch": branch.pk,
                            "tiers": ["vip", "private"]}, follow=True)
    manager.refresh_from_db()
    assert manager.branch == branch
    assert manager.tiers == ["vip", "private"]
    page = admin_client.get(reverse("admin:managers_managerprofile_changelist")).content.decode()
    assert "VIP customers, Private banking customers" in page


def test_admin_branch_list_counts_customers_and_managers(admin_client):
    from vocabularies.tests.factories import BranchFactory

    branch = BranchFactory(code="SZ")
    CustomerFactory.create_batch(2, branch=branch)
    ManagerFactory(branch=branch)
    page = admin_client.get(reverse("admin:vocabularies_branch_changelist")).content.decode()
    assert "SZ" in page
    assert '<td class="field-customer_count">2</td>' in page
    assert '<td class="field-manager_count">1</td>' in page


def test_admin_customer_list_filters_by_tier_and_branch(admin_client):
    from vocabularies.tests.factories import BranchFactory

    branch = BranchFactory()
    rich = CustomerFactory(total_assets=7_000_000, branch=branch)
    CustomerFactory(total_assets=100)
    url = reverse("admin:customers_customerprofile_changelist")
    page = admin_client.get(url, {"tier": "private"}).content.decode()
    assert rich.user.username in page and "Private banking customers" in page
    assert page.count('class="field-username"') == 1
    page = admin_client.get(url, {"branch__id__exact": branch.pk}).content.decode()
    assert page.count('class="field-username"') == 1


def test_admin_manager_list_filters_by_tier_served_and_branch(admin_client):
    from vocabularies.tests.factories import BranchFactory

    branch = BranchFactory()
    vip = ManagerFactory(tiers=["vip", "private"], branch=branch)
    every = ManagerFactory(tiers=[])
    mass = ManagerFactory(tiers=["mass"])
    url = reverse("admin:managers_managerprofile_changelist")

    def listed(**query):
        page = admin_client.get(url, query).context["cl"].queryset
        return set(page.values_list("pk", flat=True))

    assert listed(serves_tier="vip") == {vip.pk, every.pk}
    assert listed(serves_tier="mass") == {every.pk, mass.pk}
    assert listed(branch__id__exact=branch.pk) == {vip.pk}
    assert "tier served" in admin_client.get(url).content.decode()


def test_admin_branch_is_editable(admin_client):
    from vocabularies.models import Branch
    from vocabularies.tests.factories import BranchFactory

    branch = BranchFactory(code="GZ", name="GZ", region="")  # as an import with --create-terms leaves it
    url = reverse("admin:vocabularies_branch_change", args=[branch.pk])
    admin_client.post(url, {"code": "GZ", "name": "广州分行", "region": "华南"}, follow=True)
    assert Branch.objects.filter(code="GZ", name="广州分行", region="华南").exists()


def test_admin_edits_of_branches_service_areas_and_customer_branches_are_audited(admin_client, admin_user):
    """Branch, a manager's branch and tiers, a customer's branch: each edit through its service, recorded."""
    from audit.models import AuditEvent
    from customers.models import CustomerProfile
    from vocabularies.models import Branch
    from vocabularies.tests.factories import BranchFactory

    branch = BranchFactory(code="GZ", name="GZ", region="")
    admin_client.post(reverse("admin:vocabularies_branch_change", args=[branch.pk]),
                      {"code": "GZ", "name": "广州分行", "region": "华南"}, follow=True)
    admin_client.post(reverse("admin:vocabularies_branch_add"), {"code": "SZ", "name": "深圳分行", "region": "华南"})
    shenzhen = Branch.objects.get(code="SZ")
    manager = ManagerFactory(capacity=5)
    admin_client.post(reverse("admin:managers_managerprofile_change", args=[manager.pk]),
                      {"capacity": "6", "accepting_customers": "on", "branch": branch.pk, "tiers": ["vip"]})
    customer = CustomerFactory(branch=branch, age=30)
    admin_client.post(reverse("admin:customers_customerprofile_change", args=[customer.pk]), {
        "age": "31", "occupation": customer.occupation, "total_assets": str(customer.total_assets),
        "branch": shenzhen.pk,
    })

    events = {event.action: event for event in AuditEvent.objects.filter(actor=admin_user)}
    assert events["branch.changed"].changes == {"name": ["GZ", "广州分行"], "region": ["", "华南"]}
    assert events["branch.created"].changes["code"] == [None, "SZ"]
    assert events["manager.service_area_updated"].changes == {"branch": [None, "GZ"], "tiers": [[], ["vip"]]}
    assert events["manager.availability_updated"].changes == {"capacity": [5, 6]}
    assert events["customer.branch_changed"].changes == {"branch": ["GZ", "SZ"]}
    manager.refresh_from_db()
    customer = CustomerProfile.objects.get(pk=customer.pk)
    assert (manager.branch, manager.tiers, manager.capacity) == (branch, ["vip"], 6)
    assert (customer.branch, customer.age) == (shenzhen, 31)

    unused = BranchFactory(code="HZ", name="杭州分行", region="华东")
    admin_client.post(reverse("admin:vocabularies_branch_delete", args=[unused.pk]), {"post": "yes"})
    assert not Branch.objects.filter(code="HZ").exists()
    assert AuditEvent.objects.get(action="branch.deleted").data == {"code": "HZ", "name": "杭州分行", "region": "华东"}


def test_the_user_pages_profile_inlines_save_branches_through_the_services(admin_client, admin_user):
    from audit.models import AuditEvent
    from vocabularies.tests.factories import BranchFactory

    branch = BranchFactory(code="BJ")
    customer = CustomerFactory()
    page = admin_client.get(reverse("admin:accounts_user_change", args=[customer.user_id]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    formset = next(f for f in page.context["inline_admin_formsets"]).formset
    prefix = formset.prefix
    data.update({
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1", f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1", f"{prefix}-0-id": customer.pk, f"{prefix}-0-user": customer.user_id,
        f"{prefix}-0-age": customer.age, f"{prefix}-0-occupation": customer.occupation,
        f"{prefix}-0-total_assets": str(customer.total_assets), f"{prefix}-0-branch": branch.pk,
    })
    response = admin_client.post(reverse("admin:accounts_user_change", args=[customer.user_id]), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    event = AuditEvent.objects.get(action="customer.branch_changed")
    assert event.actor == admin_user and event.changes == {"branch": [None, "BJ"]}
