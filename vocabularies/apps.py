from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class VocabulariesConfig(AppConfig):
    """Shared term lists: customer needs and manager capabilities draw on the same services."""

    name = "vocabularies"
    verbose_name = _("Vocabularies")

    def ready(self):
        from django.core import checks

        from .models import Hobby, Service
        from .tiers import check_settings

        checks.register(check_settings)

        for model in (Service, Hobby):
            post_save.connect(_forget_index, sender=model, dispatch_uid=f"forget-index-{model.__name__}")
            post_delete.connect(_forget_index, sender=model, dispatch_uid=f"forget-delete-{model.__name__}")


def _forget_index(sender, **kwargs):
    """A renamed, reordered or deleted term: the cached order and names go now and again at commit (a
    request reading between the two would otherwise cache the old names again)."""
    from .selectors import term_index_forget

    term_index_forget(sender)
    transaction.on_commit(lambda: term_index_forget(sender))
