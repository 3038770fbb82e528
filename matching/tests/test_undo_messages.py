"""An undo refusal names a few customers and counts the rest, never the whole list (i10 #8)."""
import pytest
from django.utils import translation

from matching.services import UndoRefused, customer_assign, run_automatic, run_undo

from .conftest import SERVICES

pytestmark = pytest.mark.django_db


def test_an_undo_refusal_shows_a_count_and_the_first_few_customers_not_every_name(portraits):
    portraits.manager("m1", capabilities=SERVICES[:2], capacity=100)
    m2 = portraits.manager("m2", capacity=100)
    customers = [portraits.customer(f"customer-{i:02d}", needs=SERVICES[:2]) for i in range(30)]
    run = run_automatic().run
    for customer in customers:
        customer_assign(customer=customer, manager=m2, actor=None, note="moved")
    with translation.override("en"), pytest.raises(UndoRefused) as refused:
        run_undo(run=run)
    message = refused.value.messages[0]
    assert len(refused.value.conflicts) == 30  # the full list stays available to code
    assert "30 customer(s)" in message and "and 20 more" in message
    assert "customer-00" in message and sum(f"customer-{i:02d}" in message for i in range(30)) == 10
