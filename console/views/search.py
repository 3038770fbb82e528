"""The global search of the console: customers and managers by name, username or occupation."""

from __future__ import annotations

from django.shortcuts import render

from accounts.access import customers_visible_to, managers_visible_to
from customers.models import CustomerProfile
from customers.selectors import customer_search
from managers.models import ManagerProfile
from managers.selectors import manager_search

from .common import console_page

#: How many of each kind the results page shows; the lists link to the full filtered list.
LIMIT = 20


@console_page
def search(request):
    """Four queries whatever the bank's size: session, user, customers, managers."""
    text = request.GET.get("q", "").strip()[:100]
    customers = managers = []
    if text:
        customers = customer_search(queryset=customers_visible_to(request.user, CustomerProfile.objects.all()),
                                    text=text, limit=LIMIT)
        managers = manager_search(queryset=managers_visible_to(request.user, ManagerProfile.objects.all()),
                                  text=text, limit=LIMIT)
    return render(request, "console/search.html",
                  {"q": text, "customers": customers, "managers": managers, "limit": LIMIT})
