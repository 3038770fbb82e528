from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VocabulariesConfig(AppConfig):
    """Shared term lists: customer needs and manager capabilities draw on the same services."""

    name = "vocabularies"
    verbose_name = _("Vocabularies")
