"""Strings of Django and the installed apps that our pages show, translated again in our catalogue (locale/),
which Django reads before theirs.

Three reasons: django-axes and simplejwt's token blacklist have no Simplified Chinese (their admin names
showed in English: "Access attempts", "Token Blacklist"; axes's app name is `portrait.apps.AxesConfig`'s);
Django's Simplified Chinese says "你" where our pages say "您" (docs/glossary.md: one register, "您");
and Django 5.2 changed the too-short password message to "%d" while its catalogue still translates the old
"%(min_length)d" text, so the sign-up page showed it in English. Listing the msgids here
keeps them in our catalogue when `makemessages` rebuilds it; nothing calls these at run time.
"""
from django.utils.translation import gettext_noop, ngettext_lazy

STRINGS = (
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password twice so we can "
        "verify you typed it in correctly."
    ),
    gettext_noop("You don’t have permission to view or edit anything."),
    # "筛选" everywhere (the admin's list filter and the console's form), never "过滤器" (docs/glossary.md).
    gettext_noop("Filter"),
    # The admin index's table headers for screen readers (Django 5.1+, not in its catalogue yet).
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # simplejwt's token blacklist
    gettext_noop("Token Blacklist"),
    gettext_noop("Outstanding Token"),
    gettext_noop("Outstanding Tokens"),
    gettext_noop("Blacklisted Token"),
    gettext_noop("Blacklisted Tokens"),
    # django-axes
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
)
PLURAL_STRINGS = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)
