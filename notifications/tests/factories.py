"""factory_boy factories for notifications."""
import uuid

import factory
from factory.django import DjangoModelFactory

from matching.events import ChangeCause
from notifications.models import Audience, Notification


class NotificationFactory(DjangoModelFactory):
    """The customer told that their manager changed; pass `customer=` (with a manager: the new one)."""

    class Meta:
        model = Notification

    recipient = factory.LazyAttribute(lambda notification: notification.customer.user)
    audience = Audience.CUSTOMER
    kind = ChangeCause.AUTOMATIC_RUN
    new_manager = factory.LazyAttribute(lambda notification: notification.customer.manager)
    batch = factory.LazyFunction(uuid.uuid4)
