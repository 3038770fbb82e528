"""The contact log's rights (accounts.access): the customer's current manager records and reads, admins
read, nobody else; an entry is corrected by its author while they are still the customer's manager."""
import pytest

from accounts.access import can_edit_contact, can_log_contact, can_read_contacts, can_use_contacts_api

from .factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_rights_per_role(rm, other_rm, client_of_rm, bank_admin):
    people = {
        "manager": rm.user, "other_manager": other_rm.user, "admin": bank_admin, "customer": client_of_rm.user,
    }
    rights = {
        name: (can_log_contact(user, client_of_rm), can_read_contacts(user, client_of_rm), can_use_contacts_api(user))
        for name, user in people.items()
    }

    assert rights == {
        "manager": (True, True, True),
        "other_manager": (False, False, True),
        "admin": (False, True, True),
        "customer": (False, False, False),
    }


def test_an_inactive_manager_has_no_right(rm, client_of_rm):
    rm.user.is_active = False
    assert not can_log_contact(rm.user, client_of_rm) and not can_read_contacts(rm.user, client_of_rm)


def test_only_the_author_who_is_still_the_manager_corrects_an_entry(rm, other_rm, client_of_rm):
    own = ContactFactory(customer=client_of_rm)
    predecessor = ContactFactory(customer=client_of_rm, manager=other_rm)

    assert can_edit_contact(rm.user, own) and not can_edit_contact(rm.user, predecessor)
    assert not can_edit_contact(other_rm.user, predecessor)  # no longer the customer's manager
