"""Server time and query counts of the pages and API lists staff use all day, with Django's test Client.

Table-driven by URL: a page that answers 404 (not built on this branch yet) is skipped with a note, so
the harness runs before and after the console, portal and API land.
"""
from __future__ import annotations

import statistics
import time

# (label, who is signed in, URL). "{manager_customer}" is a customer of the signed-in manager.
PAGES = [
    ("console dashboard", "admin", "/console/"),
    ("console customers", "admin", "/console/customers/"),
    ("console customers, class A", "admin", "/console/customers/?customer_class=A"),
    ("console customers, page 200", "admin", "/console/customers/?page=200"),
    ("console managers", "admin", "/console/managers/"),
    ("manager workspace", "manager", "/workspace/"),
    ("manager workspace, class B", "manager", "/workspace/?customer_class=B"),
    ("manager report", "manager", "/workspace/report/"),
    ("console reports, every manager", "admin", "/console/reports/"),
    ("customer portrait", "customer", "/me/"),
    ("API customers", "admin-api", "/api/customers"),
    ("API customers, class A", "admin-api", "/api/customers?customer_class=A"),
    ("API dashboard", "admin-api", "/api/admin/dashboard"),
]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _clients():
    from django.test import Client

    from accounts.models import Role, User
    from managers.models import ManagerProfile

    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
    manager_profile = (ManagerProfile.objects.filter(customers__isnull=False, user__is_active=True)
                       .order_by("id").first())
    customer = User.objects.filter(role=Role.CUSTOMER, customer_profile__manager__isnull=False).order_by("id").first()
    clients = {}
    for key, user in (("admin", admin), ("manager", manager_profile and manager_profile.user), ("customer", customer)):
        if user is not None:
            client = Client()
            client.force_login(user)
            clients[key] = client
    if admin is not None:
        try:
            from rest_framework_simplejwt.tokens import RefreshToken

            token = str(RefreshToken.for_user(admin).access_token)
            clients["admin-api"] = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="application/json")
        except Exception as exc:  # noqa: BLE001 - the API is optional on this branch
            print(f"  note: no API token ({type(exc).__name__}: {exc}); API pages use the session")
            clients["admin-api"] = clients["admin"]
    return clients


def pages_time(*, repeat: int, pages=PAGES) -> list[dict]:
    """Request each page `repeat` times (after one warm-up); median, p95, queries per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = _clients()
    results = []
    for label, who, url in pages:
        client = clients.get(who)
        if client is None:
            print(f"  skipped {label} ({url}): no {who} account in the data set")
            continue
        response = client.get(url)
        if response.status_code == 404:
            print(f"  skipped {label} ({url}): 404, not built on this branch")
            continue
        if response.status_code == 301:  # APPEND_SLASH
            url = response["Location"]
            response = client.get(url)
            if response.status_code == 404:
                print(f"  skipped {label} ({url}): 404, not built on this branch")
                continue
        if response.status_code != 200:
            print(f"  note: {label} ({url}) answers {response.status_code}; timed as is")
        timings, queries = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            queries.append(len(captured))
        results.append({
            "page": label, "url": url, "status": response.status_code, "requests": repeat,
            "median_ms": 1000 * statistics.median(timings), "p95_ms": 1000 * _percentile(timings, 0.95),
            "queries": max(queries), "bytes": len(response.content),
        })
    return results
