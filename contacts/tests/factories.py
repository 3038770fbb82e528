"""factory_boy factories for the contact log."""
import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from contacts.models import Channel, Contact


class ContactFactory(DjangoModelFactory):
    """A phone call with `customer` by their manager (pass `manager=` for another), an hour ago."""

    class Meta:
        model = Contact

    customer = None  # required
    manager = factory.LazyAttribute(lambda contact: contact.customer.manager)
    contacted_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    channel = Channel.PHONE
    summary = factory.Sequence(lambda n: f"谈了理财规划 {n}")
    next_follow_up = None
