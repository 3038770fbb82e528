from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tabular import TERM_SEPARATOR
from core.text import TextLineField, TextLineValidator

# Names are text lines (`core.text`: no control or formatting characters) and never hold the separator of
# term lists in files: an exported list re-imports as the same terms.


class TermQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Term(models.Model):
    """A named entry of a controlled vocabulary, kept up by staff in the admin."""

    name = TextLineField(_("name"), max_length=50, unique=True, validators=[TextLineValidator(TERM_SEPARATOR)])
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
