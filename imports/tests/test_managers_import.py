"""import_managers and managers.services.managers_import."""
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from customers.signals import portraits_changed
from managers.models import ManagerProfile
from imports.services import managers_import
from vocabularies.models import Hobby, Service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_and_quiet_signal")]

HEADER = "username,name,capabilities,hobbies,capacity"


@pytest.fixture
def vocab():
    """Services Funds, Insurance, Trust (inactive); hobbies Golf, Tea."""
    terms = {name: Service.objects.create(name=name) for name in ["Funds", "Insurance", "Trust"]}
    terms.update({name: Hobby.objects.create(name=name) for name in ["Golf", "Tea"]})
    Service.objects.filter(name="Trust").update(is_active=False)
    return terms


def make_manager(username, *, name="", capacity=7, capabilities=(), hobbies=(), accepting=True):
    user = User.objects.create_user(username=username, name=name, role=Role.MANAGER)
    profile = ManagerProfile.objects.create(user=user, capacity=capacity, accepting_customers=accepting)
    profile.capabilities.set(capabilities)
    profile.hobbies.set(hobbies)
    return profile


def write_file(tmp_path, text: str, *, encoding: str = "utf-8"):
    path = tmp_path / "managers.csv"
    path.write_bytes(text.encode(encoding))
    return path


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_managers", str(path), *args, stdout=out)
    return out.getvalue()


def import_error(path, *args) -> str:
    with pytest.raises(CommandError) as excinfo:
        run_import(path, *args)
    return str(excinfo.value)


def profile_of(username: str) -> dict:
    profile = ManagerProfile.objects.select_related("user").get(user__username=username)
    return {
        "name": profile.user.name,
        "capacity": profile.capacity,
        "capabilities": sorted(profile.capabilities.values_list("name", flat=True)),
        "hobbies": sorted(profile.hobbies.values_list("name", flat=True)),
        "accepting": profile.accepting_customers,
    }


class TestImportManagers:
    def test_creates_managers_with_the_default_capacity_when_empty(self, tmp_path, vocab):
        path = write_file(tmp_path, f"\ufeff{HEADER}\nli,李娜,Funds;Insurance,Golf,12\nzhao,赵磊,funds,,\n")

        output = run_import(path)

        assert "Imported 2 managers: 2 created, 0 updated, 0 unchanged." in output
        assert profile_of("li") == {
            "name": "李娜",
            "capacity": 12,
            "capabilities": ["Funds", "Insurance"],
            "hobbies": ["Golf"],
            "accepting": True,
        }
        assert profile_of("zhao")["capacity"] == settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY
        user = User.objects.get(username="zhao")
        assert (user.role, user.has_usable_password()) == (Role.MANAGER, False)

    def test_capacity_column_may_be_left_out(self, tmp_path, vocab):
        run_import(write_file(tmp_path, "username,name,capabilities,hobbies\nli,,Funds,\n"))

        assert profile_of("li")["capacity"] == settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY

    def test_updates_existing_managers_and_keeps_capacity_when_empty(self, tmp_path, vocab):
        make_manager("li", name="Old", capacity=7, capabilities=[vocab["Funds"]], accepting=False)
        make_manager("zhao", capacity=3)
        path = write_file(tmp_path, f"{HEADER}\nli,Li,Insurance,Tea,\nzhao,,,,9\n")

        output = run_import(path)

        assert "0 created, 2 updated, 0 unchanged" in output
        assert profile_of("li") == {
            "name": "Li",
            "capacity": 7,
            "capabilities": ["Insurance"],
            "hobbies": ["Tea"],
            "accepting": False,
        }
        assert profile_of("zhao")["capacity"] == 9

    def test_unchanged_rows(self, tmp_path, vocab):
        make_manager("li", capacity=7, capabilities=[vocab["Funds"]])

        assert "1 unchanged" in run_import(write_file(tmp_path, f"{HEADER}\nli,,Funds,,7\n"))

    def test_create_terms(self, tmp_path, vocab):
        output = run_import(write_file(tmp_path, f"{HEADER}\nli,,Pensions,Chess,\n"), "--create-terms")

        assert "Created terms: capabilities: Pensions, hobbies: Chess." in output
        assert profile_of("li")["capabilities"] == ["Pensions"]

    def test_dry_run_writes_nothing(self, tmp_path, vocab):
        make_manager("li", capacity=7)

        output = run_import(write_file(tmp_path, f"{HEADER}\nli,,,,8\nnew,,,,\n"), "--dry-run")

        assert "Dry run, nothing written: 2 managers valid: 1 to create, 1 to update, 0 unchanged." in output
        assert list(ManagerProfile.objects.values_list("capacity", flat=True)) == [7]

    def test_sends_no_portraits_changed_signal(self, tmp_path, vocab):
        received = []
        portraits_changed.connect(lambda **kwargs: received.append(kwargs), weak=False)

        run_import(write_file(tmp_path, f"{HEADER}\nli,,Funds,,\n"))

        assert received == []

    @pytest.mark.parametrize("size", [10, 50])
    def test_runs_a_constant_number_of_queries(self, tmp_path, vocab, django_assert_max_num_queries, size):
        make_manager("m000", capacity=1)  # one update among the creations
        rows = "\n".join(f"m{i:03d},Manager {i},Funds;Insurance,Golf,{i + 1}" for i in range(size))

        # 22 on SQLite (creates and an update: the run lock, its row created on first use in a savepoint,
        # reads, inserts returning ids, updates, one delete + insert per relation, the books of updated
        # managers, the audit record); MySQL and MariaDB set the lock wait first (+1); MySQL returns no ids
        # from inserts and reads them back (+2).
        from django.db import connection

        most = 22 + (connection.vendor == "mysql") + 2 * (not connection.features.can_return_rows_from_bulk_insert)
        with django_assert_max_num_queries(most):
            result = managers_import(
                file=write_file(tmp_path, f"{HEADER}\n{rows}\n"), create_terms=False, dry_run=False
            )

        assert (result.created, result.updated) == (size - 1, 1)
        assert ManagerProfile.objects.filter(capabilities__name="Insurance").count() == size


class TestImportRejectsManagerCells:
    @pytest.mark.parametrize(
        ("capacity", "problem"),
        [
            ("0", "Ensure this value is greater than or equal to 1."),
            ("-3", "Ensure this value is greater than or equal to 1."),
            ("abc", "“abc” value must be an integer."),
            ("2.5", "“2.5” value must be an integer."),
            ("100001", "Ensure this value is less than or equal to 100000."),
        ],
    )
    def test_bad_capacity(self, tmp_path, vocab, capacity, problem):
        message = import_error(write_file(tmp_path, f"{HEADER}\nok,,,,5\nli,,,,{capacity}\n"))

        assert message.splitlines()[1:] == [f"line 3: capacity: {problem}"]
        assert not ManagerProfile.objects.exists()

    def test_inactive_and_unknown_terms(self, tmp_path, vocab):
        message = import_error(write_file(tmp_path, f"{HEADER}\nli,,Trust;Nope,Golf,\n"))

        assert "line 2: capabilities: term “Trust” is inactive" in message
        assert "line 2: capabilities: unknown term “Nope”" in message


class TestImportRejectsManagerUsernames:
    def test_username_of_a_customer(self, tmp_path, vocab):
        User.objects.create_user(username="cust", role=Role.CUSTOMER)

        message = import_error(write_file(tmp_path, f"{HEADER}\ncust,,,,\n"))

        assert (
            "line 2: username: “cust” is already a user with the role “Customer”, not “Relationship manager”" in message
        )

    def test_duplicate_and_blank_usernames(self, tmp_path, vocab):
        message = import_error(write_file(tmp_path, f"{HEADER}\nli,,,,\n,Nameless,,,\nli,,,,\n"))

        assert message.splitlines()[1:] == [
            "line 3: username: This field cannot be blank.",
            "line 4: username: “li” appears again (first on line 2)",
        ]

    def test_missing_header_column(self, tmp_path, vocab):
        assert "line 1: capabilities: missing column" in import_error(write_file(tmp_path, "username,name,hobbies\n"))

    def test_gbk_file(self, tmp_path, vocab):
        assert "file is not UTF-8" in import_error(write_file(tmp_path, f"{HEADER}\nli,李娜,,,\n", encoding="gbk"))

    def test_missing_file(self, tmp_path):
        assert "File not found" in import_error(tmp_path / "nope.csv")


class TestPhoneColumn:
    def test_a_phone_is_imported_and_an_empty_cell_keeps_the_current_one(self, tmp_path, vocab):
        ManagerProfile.objects.filter(pk=make_manager("zhao").pk).update(phone="021-68888888")
        path = write_file(tmp_path, f"{HEADER},phone\nli,李娜,Funds,Golf,12,+86 10 6552 8888\nzhao,赵磊,Funds,,,\n")

        run_import(path)

        phones = dict(ManagerProfile.objects.values_list("user__username", "phone"))
        assert phones == {"li": "+86 10 6552 8888", "zhao": "021-68888888"}

    def test_a_file_without_the_phone_column_still_imports(self, tmp_path, vocab):
        run_import(write_file(tmp_path, f"{HEADER}\nli,李娜,Funds,Golf,12\n"))

        assert ManagerProfile.objects.get(user__username="li").phone == ""

    def test_a_phone_that_is_no_number_is_reported_on_its_line_and_nothing_is_written(self, tmp_path, vocab):
        message = import_error(write_file(tmp_path, f"{HEADER},phone\nli,李娜,Funds,Golf,12,call me\n"))

        assert "line 2: phone: Enter a phone number of 7 to 20 digits" in message
        assert not ManagerProfile.objects.exists()
