"""factory_boy factories for relationship managers."""
import factory
from factory.django import DjangoModelFactory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from managers.models import ManagerProfile


class ManagerFactory(DjangoModelFactory):
    """A manager's profile and its user (role manager). Pass `capabilities=[...]`, `hobbies=[...]`."""

    class Meta:
        model = ManagerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.MANAGER, username=factory.Sequence(lambda n: f"manager_{n:04d}"))

    @factory.post_generation
    def capabilities(self, create, extracted, **kwargs):
        if create and extracted:
            self.capabilities.set(extracted)

    @factory.post_generation
    def hobbies(self, create, extracted, **kwargs):
        if create and extracted:
            self.hobbies.set(extracted)
