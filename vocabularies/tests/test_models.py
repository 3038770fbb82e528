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


@pytest.mark.parametrize(
    "name",
    ["tab\tin", "line\nbreak", "unit\x1fseparator", "delete\x7f", "bell\x07", "c1\x85next", "rl\u202eo", "iso\u2066x"],
)
def test_a_name_holds_no_control_or_bidi_character(name):
    """Names are shown as they are, and list pages read them joined by a control character."""
    with pytest.raises(ValidationError) as excinfo:
        Service(name=name).full_clean()

    assert excinfo.value.error_dict["name"][0].code == "text_line"


@pytest.mark.parametrize("name", ["基金;投资", "line\u2028separator", "para\u2029graph"])
def test_a_name_holds_no_list_separator(name):
    """An exported list of terms ("a;b") re-imports as the same terms: no name holds the separator."""
    with pytest.raises(ValidationError) as excinfo:
        Hobby(name=name).full_clean()

    assert excinfo.value.error_dict["name"][0].code in {"forbidden_character", "text_line"}


def test_punctuation_and_quotes_are_fine_in_a_name():
    term = Service(name="理财规划 (VIP), 2026 “new”")

    term.full_clean()

    assert term.name == "理财规划 (VIP), 2026 “new”"


def test_a_name_is_stored_nfc_normalised_and_stripped():
    term = Hobby(name="  Cafe\u0301 ")

    term.full_clean()

    assert term.name == "Caf\u00e9"


def test_the_same_name_may_be_a_service_and_a_hobby():
    Service.objects.create(name="收藏")
    hobby = Hobby(name="收藏")

    hobby.full_clean()
    hobby.save()

    assert Hobby.objects.filter(name="收藏").count() == Service.objects.filter(name="收藏").count() == 1


def test_active_and_ordering():
    Service.objects.create(name="b", order=1)
    Service.objects.create(name="a", order=1)
    Service.objects.create(name="c", order=0, is_active=False)

    assert [s.name for s in Service.objects.all()] == ["c", "a", "b"]
    assert [s.name for s in Service.objects.active()] == ["a", "b"]
