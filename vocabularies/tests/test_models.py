import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from vocabularies.models import Hobby, Service

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Service, Hobby])
class TestDuplicateTermRejects:
    def test_validation_names_the_name_field(self, model):
        model.objects.create(name="理财规划")

        with pytest.raises(ValidationError) as excinfo:
            model(name="理财规划").full_clean()

        errors = excinfo.value.error_dict
        assert list(errors) == ["name"]
        assert errors["name"][0].code == "unique"

    def test_database_refuses_save(self, model):
        model.objects.create(name="理财规划")

        with pytest.raises(IntegrityError), transaction.atomic():
            model(name="理财规划").save()

    def test_database_refuses_bulk_create(self, model):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.bulk_create([model(name="高尔夫"), model(name="高尔夫")])


@pytest.mark.parametrize("name", ["tab\tin", "line\nbreak", "unit\x1fseparator", "delete\x7f"])
def test_a_name_holds_no_control_character(name):
    """Names are shown as they are, and list pages read them joined by a control character."""
    with pytest.raises(ValidationError) as excinfo:
        Service(name=name).full_clean()

    assert excinfo.value.error_dict["name"][0].code == "control_characters"
    Service(name="理财规划 (VIP), 2026 “new”").full_clean()


def test_the_same_name_may_be_a_service_and_a_hobby():
    Service.objects.create(name="收藏")
    Hobby(name="收藏").full_clean()


def test_active_and_ordering():
    Service.objects.create(name="b", order=1)
    Service.objects.create(name="a", order=1)
    Service.objects.create(name="c", order=0, is_active=False)

    assert [s.name for s in Service.objects.all()] == ["c", "a", "b"]
    assert [s.name for s in Service.objects.active()] == ["a", "b"]
