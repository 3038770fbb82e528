"""What a run writes, in its one profile UPDATE and its history INSERT: only customers whose class or manager
changes, each with what the run decided and nothing else."""
import pytest

from customers.models import CustomerProfile
from matching.models import Assignment, Reason
from matching.services import manager_book_transfer, run_automatic

from .conftest import HOBBIES, SERVICES, refreshed

pytestmark = pytest.mark.django_db


def test_a_customer_whose_class_alone_changes_keeps_manager_and_lock_and_gets_no_history_row(portraits):
    kept = portraits.manager("kept")
    portraits.manager("better", capabilities=SERVICES[:4], hobbies=HOBBIES[:4])
    locked = portraits.customer("locked", needs=SERVICES[:4], hobbies=HOBBIES[:4], manager=kept, locked=True)
    run_automatic(rebalance=True)
    locked = refreshed(locked)
    assert (locked.manager, locked.manager_locked) == (kept, True)
    assert locked.customer_class != ""
    assert not Assignment.objects.filter(customer=locked).exists()


def test_a_customer_whose_class_and_manager_stay_is_not_written(portraits):
    manager = portraits.manager("m", capabilities=SERVICES[:4])
    customer = portraits.customer("c", needs=SERVICES[:4])
    run_automatic()
    before = refreshed(customer).updated_at
    run_automatic(rebalance=True)
    customer = refreshed(customer)
    assert customer.manager == manager and customer.updated_at == before
    assert Assignment.objects.filter(customer=customer).count() == 1


def test_a_transfer_unlocks_the_customers_it_moves_and_no_one_else(portraits):
    leaving = portraits.manager("leaving")
    other = portraits.manager("other", capabilities=SERVICES[:4])
    moved = portraits.customer("moved", needs=SERVICES[:4], manager=leaving, locked=True)
    # Locked with another manager, and reclassified by the transfer's run: the lock stays.
    bystander = portraits.customer("bystander", needs=SERVICES[:4], hobbies=HOBBIES[:2], manager=other, locked=True)
    manager_book_transfer(manager=leaving, actor=None)
    moved, bystander = refreshed(moved), refreshed(bystander)
    assert (moved.manager, moved.manager_locked) == (other, False)
    assert (bystander.manager, bystander.manager_locked, bystander.customer_class) == (other, True, "C")


def test_history_rows_hold_the_run_the_scores_and_the_shared_terms(portraits):
    portraits.manager("m", capabilities=SERVICES[:3], hobbies=HOBBIES[:2])
    customer = portraits.customer("c", needs=SERVICES[:3], hobbies=HOBBIES[:1])
    run = run_automatic(rebalance=True).run
    row = Assignment.objects.get(customer=customer)
    assert (row.run, row.actor, row.reason, row.note) == (run, None, Reason.BEST, "")
    assert (row.needs_match, row.hobbies_match, row.total) == (3, 1, 4)
    assert (row.shared_needs, row.shared_hobbies) == (SERVICES[:3], HOBBIES[:1])
    assert row.customer_class == refreshed(customer).customer_class


def test_a_dry_run_writes_no_profile_and_no_history(portraits):
    from matching.services.previews import preview_create

    portraits.manager("m", capabilities=SERVICES[:3])
    portraits.customer("c", needs=SERVICES[:3])
    preview = preview_create(actor=None, rebalance=True)
    assert preview.planned_changes.count() == 1
    assert set(CustomerProfile.objects.values_list("manager", "customer_class")) == {(None, "")}
    assert not Assignment.objects.exists()


def test_shared_terms_are_stored_as_readable_text_and_read_back_as_lists(portraits):
    from django.db import connection

    customer = portraits.customer("c")
    Assignment.objects.create(customer=customer, reason=Reason.BEST, shared_needs=["基金投资", 'say "hi"'])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT shared_needs FROM {Assignment._meta.db_table}")
        [(text,)] = cursor.fetchall()
    assert "基金投资" in text and "\\u" not in text  # 3 bytes a character, not a 6-byte escape
    assert Assignment.objects.get().shared_needs == ["基金投资", 'say "hi"']
