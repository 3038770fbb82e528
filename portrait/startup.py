"""Start-up guard for manage.py and wsgi.py: a configuration error is one line on stderr, exit status 1."""
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def configured(start: Callable[[], T]) -> T:
    """Run `start`; if the settings refuse the environment, print why in one line and exit 1."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return start()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"Portrait cannot start: {exc}\n")
        raise SystemExit(1) from None
