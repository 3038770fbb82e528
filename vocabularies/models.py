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


class Branch(models.Model):
    """A branch (网点) of the bank. Customers and managers may belong to one; under the branch policy
    (`settings.PORTRAIT_BRANCH_POLICY`) a customer is served within their branch, or their region.

    Kept here, with the other lists staff keep up and imports name by a code, below both customers and
    managers, which point to it."""

    code = TextLineField(_("code"), max_length=20, unique=True, validators=[TextLineValidator(TERM_SEPARATOR)])
    name = TextLineField(_("name"), max_length=100)
    region = TextLineField(_("region"), max_length=50, help_text=_("Branches of one region may serve each other "
                                                                   "under the region policy."))

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
