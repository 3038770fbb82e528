"""Authentication backends: django-axes in front of Django's model backend."""
from axes.backends import AxesStandaloneBackend


class SignInProtectionBackend(AxesStandaloneBackend):
    """Refuses a username + address pair locked out after repeated failures (settings `AXES_*`).

    Only sign-ins that come with a request are counted: every surface (pages, admin, API) passes it to
    `django.contrib.auth.authenticate(request=...)`. The command line, shells and the test client's
    `login()` pass none; nobody brute-forces through them, so they are let through to the next backend
    instead of failing as django-axes would.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
