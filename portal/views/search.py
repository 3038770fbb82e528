"""The manager's global search: the customers of their own book by name, username or occupation."""
from __future__ import annotations

from django.shortcuts import render

from accounts.access import access_required, can_use_workspace, customers_visible_to
from customers.models import CustomerProfile
from customers.selectors import customer_search

#: How many customers the results page shows; it links to the workspace's full filtered list.
LIMIT = 20


@access_required(can_use_workspace)
def search(request):
    """Three queries whatever the book's size: session, user, customers."""
    text = request.GET.get("q", "").strip()[:100]
    customers = []
    if text:
        customers = customer_search(
            queryset=customers_visible_to(request.user, CustomerProfile.objects.all()), text=text, limit=LIMIT
        )
    return render(request, "portal/search.html", {"q": text, "customers": customers, "limit": LIMIT})
