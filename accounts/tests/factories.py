"""factory_boy factories for users (the root conftest.py turns some factories into fixtures)."""
import factory
from factory.django import DjangoModelFactory, Password

from accounts.models import Role, User

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
