"""What the change-request services announce, for apps that act on it (notifications): each is sent once
the transaction that made the change has committed, with `change_request` and `actor`.

    change_request_opened    a customer asked (request.manager: their manager then)
    change_request_approved  an admin moved the customer (request.manager: previous, request.new_manager: new)
    change_request_declined  an admin declined, with a reply
"""
from django.dispatch import Signal

change_request_opened = Signal()
change_request_approved = Signal()
change_request_declined = Signal()
