"""Every console page and action: open to admins, 403 to managers and customers, sign-in for the anonymous."""

import pytest
from django.urls import reverse

from imports.jobs import IMPORT_JOB
from jobs.models import BackgroundJob
from matching.models import MatchingRun, RunKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(bank):
    customer = bank["customers"]["alice"]
    manager = bank["m1"]
    preview = MatchingRun.objects.create(kind=RunKind.PREVIEW, status="succeeded")
    run = MatchingRun.objects.create(kind=RunKind.AUTOMATIC, status="succeeded")
    job = BackgroundJob.objects.create(kind=IMPORT_JOB, options={"path": "x", "dry_run": True}, result={"ok": True})
    get = [
        reverse("console:dashboard"),
        reverse("console:customers"),
        reverse("console:customer_export"),
        reverse("console:customer", args=[customer.pk]),
        reverse("console:customer_deactivate", args=[customer.pk]),
        reverse("console:managers"),
        reverse("console:manager", args=[manager.pk]),
        reverse("console:matching"),
        reverse("console:preview", args=[preview.pk]),
        reverse("console:job", args=[job.pk]),
        reverse("console:import"),
        reverse("console:import_report", args=[job.pk]),
        reverse("console:audit"),
    ]
    post = [
        reverse("console:customer_bulk"),
        reverse("console:customer_assign", args=[customer.pk]),
        reverse("console:customer_unlock", args=[customer.pk]),
        reverse("console:customer_deactivate", args=[customer.pk]),
        reverse("console:manager", args=[manager.pk]),
        reverse("console:manager_transfer", args=[manager.pk]),
        reverse("console:preview_start"),
        reverse("console:segment_start"),
        reverse("console:preview_apply", args=[preview.pk]),
        reverse("console:run_undo", args=[run.pk]),
        reverse("console:import"),
        reverse("console:import_confirm", args=[job.pk]),
    ]
    return get, post


def test_every_page_opens_for_an_admin(console_admin_client, urls):
    get, _post = urls
    for url in get:
        assert console_admin_client.get(url).status_code in (200, 302), url


def test_a_role_admin_without_superuser_flag_uses_the_console(plain_admin_client, bank):
    assert plain_admin_client.get(reverse("console:dashboard")).status_code == 200


@pytest.mark.parametrize("who", ["manager_client", "customer_client"])
def test_managers_and_customers_are_refused_everywhere(request, who, urls):
    client = request.getfixturevalue(who)
    get, post = urls
    for url in get:
        assert client.get(url).status_code == 403, url
    for url in post:
        assert client.post(url, {"confirm": "on"}).status_code == 403, url


def test_anonymous_users_are_sent_to_sign_in(client, urls, settings):
    settings.LOGIN_URL = "/sign-in/"  # the portal's page; its URL name is not needed here
    get, _post = urls
    response = client.get(get[0])
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")
