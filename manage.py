#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portrait.settings.base")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from portrait.startup import configured

    configured(lambda: settings.INSTALLED_APPS)  # read the settings now: a missing secret is one line, not a traceback
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
