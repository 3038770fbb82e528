"""Imports say who did them (the audit log) and warn, like the admin, about capacities below a manager's book."""
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from customers.signals import portraits_changed
from customers.tests.factories import CustomerFactory
from imports.services import customers_import, managers_import
from managers.messages import capacity_below_book_warning
from managers.models import ManagerProfile
from managers.tests.factories import ManagerFactory
from vocabularies.tests.factories import HobbyFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_quiet_signal(monkeypatch):
    monkeypatch.setattr(portraits_changed, "receivers", [])
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _vocab():
    ServiceFactory(name="Funds"), HobbyFactory(name="Golf")


CUSTOMER_ROWS = [
    {"username": "alice", "name": "Alice", "age": 40, "occupation": "", "total_assets": "10", "needs": "Funds",
     "hobbies": "Golf"},
]


class TestImportsAreAudited:
    def test_records_the_actor_and_the_counts(self):
        admin = UserFactory(admin=True)

        customers_import(actor=admin, rows=CUSTOMER_ROWS)

        event = AuditEvent.objects.get()
        assert (event.action, event.actor, event.target_type) == (
            "customers.imported",
            admin,
            "customers.customerprofile",
        )
        assert event.data["created"] == 1 and event.data["updated"] == 0 and event.data["dry_run"] is False

    def test_command_line_imports_are_the_system(self, tmp_path):
        path = tmp_path / "team.csv"
        path.write_text("username,name,capabilities,hobbies,capacity\nli,Li,Funds,Golf,5\n", encoding="utf-8")

        call_command("import_managers", str(path), stdout=io.StringIO())

        event = AuditEvent.objects.get()
        assert (event.action, event.actor, event.actor_username) == ("managers.imported", None, "")
        assert event.target_type == "managers.managerprofile"
        assert event.data["file"] == "team.csv" and event.data["created"] == 1

    def test_a_dry_run_is_recorded_as_checked(self):
        customers_import(rows=CUSTOMER_ROWS, dry_run=True)

        assert list(AuditEvent.objects.values_list("action", flat=True)) == ["customers.imported_checked"]
        assert not ManagerProfile.objects.exists()

    def test_a_rejected_file_records_nothing(self):
        result = customers_import(rows=[{**CUSTOMER_ROWS[0], "age": "abc"}])

        assert result.errors and not AuditEvent.objects.exists()


class TestCapacityBelowBookWarns:
    @pytest.fixture
    def busy(self):
        manager = ManagerFactory(user__username="busy", capacity=10)
        CustomerFactory.create_batch(3, manager=manager)
        return manager

    def rows(self, capacity):
        return [{"username": "busy", "name": "Busy", "capabilities": "Funds", "hobbies": "Golf", "capacity": capacity}]

    def test_import_warns_with_the_admins_text_and_still_saves(self, busy):
        result = managers_import(rows=self.rows(2))

        assert result.ok
        assert result.warnings == [capacity_below_book_warning(manager=busy, served=3, capacity=2)]
        busy.refresh_from_db()
        assert busy.capacity == 2

    def test_dry_run_warns_too(self, busy):
        result = managers_import(rows=self.rows(2), dry_run=True)

        assert len(result.warnings) == 1
        busy.refresh_from_db()
        assert busy.capacity == 10

    def test_warnings_cost_one_query_for_any_number_of_managers(self, busy, django_assert_max_num_queries):
        other = ManagerFactory(user__username="other", capacity=10)
        CustomerFactory.create_batch(2, manager=other)
        rows = [*self.rows(1), {**self.rows(1)[0], "username": "other", "name": "Other"}]

        with django_assert_max_num_queries(50) as queries:
            result = managers_import(rows=rows, dry_run=True)

        assert len(result.warnings) == 2
        assert sum("customers_customerprofile" in query["sql"] for query in queries.captured_queries) == 1

    def test_no_warning_when_the_book_fits(self, busy):
        assert managers_import(rows=self.rows(3)).warnings == []

    def test_the_command_prints_the_warning(self, busy, tmp_path):
        path = tmp_path / "m.csv"
        path.write_text("username,name,capabilities,hobbies,capacity\nbusy,Busy,Funds,Golf,1\n", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()

        call_command("import_managers", str(path), stdout=out, stderr=err)

        assert "(busy) serves 3 customers, more than the new capacity of 1." in err.getvalue()
        assert "Imported 1 managers" in out.getvalue()

    def test_the_admin_says_the_same(self, busy, admin_client):
        response = admin_client.post(
            f"/admin/managers/managerprofile/{busy.pk}/change/",
            {"capabilities": [], "hobbies": [], "capacity": 2, "accepting_customers": "on"},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )

        messages = [str(message) for message in response.context["messages"]]
        assert capacity_below_book_warning(manager=busy, served=3, capacity=2) in messages
