"""factory_boy factories for customers.

    from customers.tests.factories import CustomerFactory
    customer = CustomerFactory(needs=ServiceFactory.create_batch(3), user__name="王伟")
"""
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from customers.models import CustomerProfile


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
