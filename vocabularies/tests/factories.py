"""factory_boy factories for vocabulary terms."""
import factory
from factory.django import DjangoModelFactory

from vocabularies.models import Hobby, Service


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"服务{n:03d}")
    order = factory.Sequence(lambda n: n)


class HobbyFactory(DjangoModelFactory):
    class Meta:
        model = Hobby
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"爱好{n:03d}")
    order = factory.Sequence(lambda n: n)
