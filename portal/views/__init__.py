"""The portal's pages, one module per page group: sign-in and registration, the customer's own page,
the manager's workspace."""
