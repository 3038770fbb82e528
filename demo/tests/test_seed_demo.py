import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role, User
from demo.generators import HOBBIES, SERVICES
from customers.models import CustomerProfile
from customers.signals import portraits_changed
from managers.models import ManagerProfile
from vocabularies.models import Hobby, Service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_reclassification(monkeypatch):
    """Keep matching's receivers out: these tests are about what seed_demo writes and says."""
    monkeypatch.setattr(portraits_changed, "receivers", [])

CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def seed(*args: str) -> str:
    """seed_demo --minimal: the named accounts (and synthetic ones asked for), no network."""
    out = io.StringIO()
    call_command("seed_demo", "--force", "--minimal", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "customers": CustomerProfile.objects.count(),
        "managers": ManagerProfile.objects.count(),
        "services": Service.objects.count(),
        "hobbies": Hobby.objects.count(),
        "needs": CustomerProfile.needs.through.objects.count(),
        "customer_hobbies": CustomerProfile.hobbies.through.objects.count(),
        "capabilities": ManagerProfile.capabilities.through.objects.count(),
        "manager_hobbies": ManagerProfile.hobbies.through.objects.count(),
    }


def dump() -> tuple[list, list]:
    """Every portrait by username and term names: comparable across databases, unlike ids."""
    customers = [
        (c.user.username, c.user.name, c.user.role, c.age, c.occupation, c.total_assets,
         sorted(t.name for t in c.needs.all()), sorted(t.name for t in c.hobbies.all()))
        for c in CustomerProfile.objects.select_related("user").prefetch_related("needs", "hobbies")
    ]
    managers = [
        (m.user.username, m.user.name, m.user.role, m.capacity, m.accepting_customers,
         sorted(t.name for t in m.capabilities.all()), sorted(t.name for t in m.hobbies.all()))
        for m in ManagerProfile.objects.select_related("user").prefetch_related("capabilities", "hobbies")
    ]
    return customers, managers


def wipe() -> None:
    """Back to an empty database within the test, standing in for a fresh one."""
    User.objects.all().delete()
    Service.objects.all().delete()
    Hobby.objects.all().delete()


class TestDebugGuard:
    @override_settings(DEBUG=False)
    def test_refuses_when_debug_is_off(self):
        with pytest.raises(CommandError, match="DEBUG"):
            call_command("seed_demo", "--minimal", stdout=io.StringIO())

        assert User.objects.count() == 0

    @override_settings(DEBUG=False)
    def test_force_runs_when_debug_is_off(self):
        call_command("seed_demo", "--force", "--minimal", stdout=io.StringIO())

        assert User.objects.filter(username="admin").exists()

    @override_settings(DEBUG=True)
    def test_runs_when_debug_is_on(self):
        out = io.StringIO()

        call_command("seed_demo", "--minimal", stdout=out)

        assert "26 created" in out.getvalue()

    @pytest.mark.parametrize("option", ["--customers", "--managers", "--seed"])
    def test_refuses_negative_numbers(self, option):
        with pytest.raises(CommandError, match=option):
            seed(option, "-1")


class TestNamedAccounts:
    @pytest.mark.parametrize(
        ("username", "password"), [("admin", "admin123"), ("customer1", "123456"), ("customer20", "123456"),
                                   ("manager1", "123456"), ("manager5", "123456")],
    )
    def test_accounts_log_in(self, client, username, password):
        seed()

        assert client.login(username=username, password=password)

    def test_admin_reaches_the_admin(self, client):
        seed()
        client.login(username="admin", password="admin123")

        assert client.get(reverse("admin:index")).status_code == 200

    def test_roles(self):
        seed()

        roles = dict(User.objects.values_list("username", "role"))
        assert roles["admin"] == Role.ADMIN
        assert {roles[f"customer{i}"] for i in range(1, 21)} == {Role.CUSTOMER}
        assert {roles[f"manager{i}"] for i in range(1, 6)} == {Role.MANAGER}
        assert len(roles) == 26
        admin = User.objects.get(username="admin")
        assert admin.is_staff and admin.is_superuser
        assert not User.objects.filter(is_staff=True).exclude(username="admin").exists()

    def test_vocabularies(self):
        seed()

        assert Service.objects.count() >= 15 and Hobby.objects.count() >= 15
        names = set(Service.objects.values_list("name", flat=True))
        assert {"理财规划", "基金投资", "私人银行", "家族财富传承"} <= names
        assert {"高尔夫", "茶艺", "书法", "马拉松"} <= set(Hobby.objects.values_list("name", flat=True))
        assert [s.name for s in Service.objects.all()] == [name for name, _ in SERVICES]

    def test_existing_vocabulary_is_kept(self):
        Service.objects.create(name="理财规划", order=99, is_active=False)
        Service.objects.create(name="数字人民币")

        seed()

        assert Service.objects.get(name="理财规划").is_active is False
        assert Service.objects.count() == len(SERVICES) + 1

    def test_portraits_are_realistic(self, settings):
        seed()

        for customer in CustomerProfile.objects.select_related("user"):
            assert CHINESE_NAME.match(customer.user.name), customer.user.name
            assert 22 <= customer.age <= 75
            assert customer.occupation
            assert Decimal("50000") <= customer.total_assets <= Decimal("50000000")
            assert customer.total_assets.as_tuple().exponent == -2
            assert 2 <= customer.needs.count() <= 6 and 2 <= customer.hobbies.count() <= 6
            assert (customer.customer_class, customer.manager, customer.segment) == ("", None, None)
        for manager in ManagerProfile.objects.select_related("user"):
            assert CHINESE_NAME.match(manager.user.name)
            assert 5 <= manager.capabilities.count() <= 10 and 3 <= manager.hobbies.count() <= 7
            assert manager.capacity == settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY and manager.accepting_customers

    def test_unchanged_portraits_are_not_rewritten(self):
        seed()
        stamps = dict(CustomerProfile.objects.values_list("pk", "updated_at"))
        received = []
        portraits_changed.connect(lambda **kwargs: received.append(kwargs), weak=False)

        seed()

        assert dict(CustomerProfile.objects.values_list("pk", "updated_at")) == stamps
        assert received == []

    def test_new_customers_are_left_for_matching_to_classify(self):
        received = []
        portraits_changed.connect(lambda **kwargs: received.append(kwargs), weak=False)

        seed("--customers", "5")

        assert received == []
        assert not CustomerProfile.objects.exclude(customer_class="").exists()

    def test_rerun_resets_named_accounts_but_not_their_manager(self, client):
        seed()
        before = dump()
        manager = ManagerProfile.objects.get(user__username="manager1")
        customer = CustomerProfile.objects.get(user__username="customer1")
        customer.age, customer.customer_class, customer.manager = 99, "B", manager
        customer.save()
        customer.needs.clear()
        manager.capacity = 3
        manager.save()
        user = customer.user
        user.set_password("changed-password")
        user.role = Role.MANAGER
        user.save()

        received = []
        portraits_changed.connect(lambda sender, customer_ids, **kw: received.extend(customer_ids), weak=False)

        out = seed()

        assert "26 reset" in out
        assert dump() == before
        customer.refresh_from_db()
        assert customer.manager == manager
        assert client.login(username="customer1", password="123456")
        assert received == [customer.pk]  # matching reclassifies the customer whose portrait changed


class TestIdempotence:
    def test_second_run_changes_nothing(self):
        seed("--customers", "30", "--managers", "3")
        first_counts, first_dump = counts(), dump()

        out = seed("--customers", "30", "--managers", "3")

        assert counts() == first_counts
        assert dump() == first_dump
        assert "0 created, 30 already there" in out and "0 created, 3 already there" in out

    def test_counts(self):
        seed("--customers", "30", "--managers", "3")

        assert counts()["users"] == 26 + 30 + 3
        assert counts()["customers"] == 20 + 30
        assert counts()["managers"] == 5 + 3
        assert counts()["services"] == len(SERVICES) and counts()["hobbies"] == len(HOBBIES)


class TestDeterminism:
    def test_same_seed_same_portraits_on_a_fresh_database(self):
        seed("--seed", "7", "--customers", "40", "--managers", "4")
        first = dump()
        wipe()

        seed("--seed", "7", "--customers", "40", "--managers", "4")

        assert dump() == first

    def test_another_seed_other_portraits(self):
        seed("--seed", "7", "--customers", "40")
        first = dump()
        wipe()

        seed("--seed", "8", "--customers", "40")

        assert dump() != first

    def test_growing_in_steps_equals_growing_at_once(self):
        seed("--customers", "150", "--managers", "2")
        seed("--customers", "300", "--managers", "4")
        in_steps = dump()
        wipe()

        seed("--customers", "300", "--managers", "4")

        assert dump() == in_steps


class TestSyntheticAccounts:
    def test_added_with_numbered_usernames(self):
        out = seed("--customers", "200", "--managers", "5")

        assert "200 created" in out and "5 created" in out
        customers = CustomerProfile.objects.filter(user__username__startswith="syn_c")
        assert customers.count() == 200
        assert set(customers.values_list("user__role", flat=True)) == {Role.CUSTOMER}
        assert customers.filter(user__username="syn_c000200").exists()
        assert ManagerProfile.objects.filter(user__username__in=[f"syn_m{i:04d}" for i in range(1, 6)]).count() == 5
        assert not customers.exclude(customer_class="").exists()
        assert not customers.filter(manager__isnull=False).exists()

    def test_a_larger_number_adds_only_the_missing(self):
        seed("--customers", "50")

        out = seed("--customers", "80")

        assert "30 created, 50 already there" in out
        assert CustomerProfile.objects.filter(user__username__startswith="syn_c").count() == 80

    def test_synthetic_accounts_log_in(self, client):
        seed("--customers", "2", "--managers", "1")

        assert client.login(username="syn_c000002", password="123456")
        assert client.login(username="syn_m0001", password="123456")

    def test_synthetic_portraits_are_realistic(self):
        seed("--customers", "300")

        customers = CustomerProfile.objects.filter(user__username__startswith="syn_c")
        ages = list(customers.values_list("age", flat=True))
        assets = sorted(customers.values_list("total_assets", flat=True))
        assert min(ages) >= 22 and max(ages) <= 75 and len(set(ages)) > 30
        assert assets[0] >= Decimal("50000") and assets[-1] <= Decimal("50000000")
        assert assets[len(assets) // 2] < sum(assets) / len(assets)  # skewed: the mean is above the median
        assert len(set(customers.values_list("occupation", flat=True))) >= 10

    @pytest.mark.parametrize("n", [200, 400])
    def test_bulk_inserts_take_a_bounded_number_of_queries(self, n, django_assert_max_num_queries):
        with django_assert_max_num_queries(60):
            seed("--customers", str(n), "--managers", "5")

        assert CustomerProfile.objects.filter(user__username__startswith="syn_c").count() == n


def test_a_seed_is_recorded_in_the_audit_log_as_the_system():
    from audit.models import AuditEvent

    seed("--customers", "3")

    event = AuditEvent.objects.get(action="demo.seeded")
    assert event.actor is None and event.data["customers_created"] == 3
