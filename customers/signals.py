from django.dispatch import Signal

# Sent with `customer_ids` (a collection of CustomerProfile ids) after portraits were written in bulk
# (import, API), where Django's own model signals do not fire. The matching app reclassifies them.
portraits_changed = Signal()
