"""factory_boy factories shared by every app's tests (the root conftest.py turns some into fixtures).

    from portrait.testing import CustomerFactory
    customer = CustomerFactory(needs=ServiceFactory.create_batch(3), user__name="王伟")
"""
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory, Password

from accounts.models import Role, User
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from vocabularies.models import Hobby, Service

TEST_PASSWORD = "correct horse battery staple"  # noqa: S105 - test data


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    name = factory.Faker("name", locale="zh_CN")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    role = Role.CUSTOMER
    password = Password(TEST_PASSWORD)

    class Params:
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)


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


class CustomerFactory(DjangoModelFactory):
    """A customer's portrait and its user (role customer). Pass `needs=[...]`, `hobbies=[...]` to set them."""

    class Meta:
        model = CustomerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.CUSTOMER, username=factory.Sequence(lambda n: f"customer_{n:04d}"))
    age = factory.Faker("pyint", min_value=22, max_value=75)
    occupation = factory.Iterator(["教师", "医生", "企业主", "工程师", "公务员", "律师", "会计师", "退休人员"])
    total_assets = factory.Sequence(lambda n: Decimal(50_000 + 1_234 * n).quantize(Decimal("0.01")))

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create and extracted:
            self.needs.set(extracted)

    @factory.post_generation
    def hobbies(self, create, extracted, **kwargs):
        if create and extracted:
            self.hobbies.set(extracted)


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
