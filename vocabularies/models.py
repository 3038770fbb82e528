from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Names are shown as they are, and a list page reads a row's names joined by a control character
# (`core.bulk.NAME_SEPARATOR`): no name holds one.
_CONTROL_CHARACTERS = "[\x00-\x1f\x7f]"


class TermQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Term(models.Model):
    """A named entry of a controlled vocabulary, kept up by staff in the admin."""

    name = models.CharField(
        _("name"), max_length=50, unique=True,
        validators=[RegexValidator(_CONTROL_CHARACTERS, _("A name cannot contain control characters."),
                                   code="control_characters", inverse_match=True)],
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive terms stay on existing portraits but cannot be chosen.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TermQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Service(Term):
    """A financial service: what a customer needs and what a manager is able to offer."""

    class Meta(Term.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")


class Hobby(Term):
    class Meta(Term.Meta):
        verbose_name = _("hobby")
        verbose_name_plural = _("hobbies")
