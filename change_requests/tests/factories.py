"""factory_boy factories for requests for another manager."""
import factory
from factory.django import DjangoModelFactory

from change_requests.models import ChangeRequest, ReasonCategory


class ChangeRequestFactory(DjangoModelFactory):
    """An open request; pass `customer=` (with a manager): the manager when asked is theirs."""

    class Meta:
        model = ChangeRequest

    reason = ReasonCategory.COMMUNICATION
    text = "电话总是打不通"
    manager = factory.LazyAttribute(lambda request: request.customer.manager)
