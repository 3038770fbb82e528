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
