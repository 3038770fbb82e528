"""Imports say who did them (the audit log) and, like the admin, refuse a capacity below a manager's book unless
confirmed."""
import io

import pytest
from django.core.management import CommandError, call_command

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from customers.tests.factories import CustomerFactory
from matching.errors import RunInProgress
from core.tabular import RowError
from imports.messages import COMMAND_HINTS
from imports.services import customers_import, managers_import
from managers.messages import capacity_below_book_refusal, capacity_below_book_warning
from managers.models import ManagerProfile
from managers.tests.factories import ManagerFactory
from matching.models import RunLock
from vocabularies.tests.factories import HobbyFactory, ServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_and_quiet_signal")]


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


class TestCapacityBelowBook:
    """Lowering a capacity below the manager's book needs the importer's explicit word, as in the admin."""

    @pytest.fixture
    def busy(self):
        manager = ManagerFactory(user__username="busy", capacity=10)
        CustomerFactory.create_batch(3, manager=manager)
        return manager

    def rows(self, capacity, *, username="busy"):
        return [{"username": username, "name": "Busy", "capabilities": "Funds", "hobbies": "Golf",
                 "capacity": capacity}]

    def test_is_refused_on_its_line_and_nothing_is_written(self, busy):
        result = managers_import(rows=[*self.rows(12, username="fine"), *self.rows(2)])

        assert result.errors == [RowError(
            3, "capacity", capacity_below_book_refusal(manager=busy, served=3, capacity=2), "capacity_below_book"
        )]
        busy.refresh_from_db()
        assert busy.capacity == 10 and not ManagerProfile.objects.filter(user__username="fine").exists()

    def test_a_dry_run_says_the_same(self, busy):
        assert [error.code for error in managers_import(rows=self.rows(2), dry_run=True).errors] == [
            "capacity_below_book"
        ]

    def test_confirmed_it_saves_and_warns_with_the_admins_text(self, busy):
        result = managers_import(rows=self.rows(2), confirm_overflow=True)

        assert result.ok
        assert result.warnings == [capacity_below_book_warning(manager=busy, served=3, capacity=2)]
        busy.refresh_from_db()
        assert busy.capacity == 2

    def test_an_unchanged_capacity_of_an_overfull_manager_passes(self, busy):
        ManagerProfile.objects.filter(pk=busy.pk).update(capacity=2)  # overfull since an earlier confirmation

        result = managers_import(rows=self.rows(2))

        assert result.ok and result.warnings == [] and result.updated == 1

    def test_a_capacity_that_fits_the_book_passes(self, busy):
        result = managers_import(rows=self.rows(3))

        assert result.ok and result.warnings == []

    def test_a_real_import_holds_the_run_lock_while_it_checks_and_writes(self, busy):
        managers_import(rows=self.rows(12))

        assert RunLock.objects.get().holder == "managers.imported by system"

    def test_books_cost_one_query_for_any_number_of_managers(self, busy, django_assert_max_num_queries):
        other = ManagerFactory(user__username="other", capacity=10)
        CustomerFactory.create_batch(2, manager=other)
        rows = [*self.rows(1), *self.rows(1, username="other")]

        with django_assert_max_num_queries(50) as queries:
            result = managers_import(rows=rows, dry_run=True, confirm_overflow=True)

        assert len(result.warnings) == 2
        assert sum("customers_customerprofile" in query["sql"] for query in queries.captured_queries) == 1

    def test_the_command_refuses_and_names_its_option(self, busy, tmp_path):
        path = tmp_path / "m.csv"
        path.write_text("username,name,capabilities,hobbies,capacity\nbusy,Busy,Funds,Golf,1\n", encoding="utf-8")

        with pytest.raises(CommandError) as refused:
            call_command("import_managers", str(path), stdout=io.StringIO())

        lines = str(refused.value).splitlines()
        assert lines[1].startswith("line 2: capacity: ") and "(busy) serves 3 customers" in lines[1]
        assert lines[-1] == str(COMMAND_HINTS["capacity_below_book"])
        busy.refresh_from_db()
        assert busy.capacity == 10

    def test_the_command_with_the_option_prints_the_warning(self, busy, tmp_path):
        path = tmp_path / "m.csv"
        path.write_text("username,name,capabilities,hobbies,capacity\nbusy,Busy,Funds,Golf,1\n", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()

        call_command("import_managers", str(path), "--confirm-overflow", stdout=out, stderr=err)

        assert "(busy) serves 3 customers, more than the new capacity of 1." in err.getvalue()
        assert "Imported 1 managers" in out.getvalue()

    def test_the_command_says_so_when_a_run_holds_the_lock(self, busy, tmp_path, monkeypatch):
        def run_in_progress(holder):
            raise RunInProgress("Another matching run is in progress; try again when it has finished.")

        monkeypatch.setattr("imports.services.acquire_run_lock", run_in_progress)
        path = tmp_path / "m.csv"
        path.write_text("username,name,capabilities,hobbies,capacity\nbusy,Busy,Funds,Golf,12\n", encoding="utf-8")

        with pytest.raises(CommandError, match="^Another matching run is in progress"):
            call_command("import_managers", str(path), stdout=io.StringIO())

    def test_the_admin_says_the_same(self, busy, admin_client):
        response = admin_client.post(
            f"/admin/managers/managerprofile/{busy.pk}/change/",
            {"capabilities": [], "hobbies": [], "capacity": 2, "accepting_customers": "on", "confirm_overflow": "on"},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )

        messages = [str(message) for message in response.context["messages"]]
        assert capacity_below_book_warning(manager=busy, served=3, capacity=2) in messages
