"""Reclassify a customer as soon as their portrait changes, whoever saved it (admin, forms, API, import)."""
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from customers.models import CustomerProfile
from customers.signals import portraits_changed

from .services.classify import customers_reclassify

_M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}
# Customers classified in one pass at commit: bounds the memory of reclassifying a large import (each pass
# loads its customers' term links as arrays; 1M uniformly random portraits at once took the import from
# about 330 MB to 1.1 GB, docs/performance.md).
RECLASSIFY_CHUNK = 50_000


def _reclassify_on_commit(customer_ids) -> None:
    """Queue customers for reclassification when the transaction commits.

    Every event registers a flush, but they share one batch per connection: the first flush classifies
    everyone queued so far in one pass, the others find the batch empty. (A rolled-back transaction
    leaves its ids in the batch; classifying them later is harmless.) A large batch is classified
    `RECLASSIFY_CHUNK` customers at a time.
    """
    batch = transaction.get_connection().__dict__.setdefault("_portrait_reclassify", set())
    batch.update(customer_ids)

    def flush():
        if batch:
            ids = sorted(batch)
            batch.clear()
            for start in range(0, len(ids), RECLASSIFY_CHUNK):
                customers_reclassify(customer_ids=ids[start : start + RECLASSIFY_CHUNK])

    transaction.on_commit(flush)


@receiver(post_save, sender=CustomerProfile, dispatch_uid="matching.reclassify_new_customer")
def reclassify_new_customer(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _reclassify_on_commit([instance.pk])


def reclassify_on_terms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in _M2M_ACTIONS:
        _reclassify_on_commit((pk_set or ()) if reverse else [instance.pk])


for _relation in (CustomerProfile.needs.through, CustomerProfile.hobbies.through):
    m2m_changed.connect(
        reclassify_on_terms_changed, sender=_relation, dispatch_uid=f"matching.reclassify.{_relation.__name__}"
    )


@receiver(portraits_changed, dispatch_uid="matching.reclassify_bulk")
def reclassify_after_bulk_write(sender, customer_ids, **kwargs):
    _reclassify_on_commit(customer_ids)
