"""factory_boy factories for vocabulary terms."""
import factory
from factory.django import DjangoModelFactory

from vocabularies.models import Branch, Hobby, Service


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


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"B{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}分行")
    region = "华北"
