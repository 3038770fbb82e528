"""The project's URLs, plus a stand-in for the console's dashboard while the console app has none.

Only `test_home_sends_an_admin_to_the_console` uses it: the portal must not define console pages,
and the redirect it tests is to wherever "console:dashboard" lives. Once the console defines its
dashboard, the real one is used and this stand-in adds nothing.
"""
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from portrait.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)

try:
    reverse("console:dashboard", urlconf="portrait.urls")
except NoReverseMatch:
    dashboard = path("", lambda request: HttpResponse(), name="dashboard")
    urlpatterns.insert(0, path("console/", include(([dashboard], "console"))))
