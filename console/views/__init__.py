"""The admin console's pages, one module per page group."""
