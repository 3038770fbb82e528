"""Write side of matching, one module per job.

- `lock`: the run lock and `recorded_run()` (lock + transaction + failure record);
- `classify`: reclassification after a portrait changes;
- `runs`: automatic runs and book transfers (the run lifecycle);
- `undo`: restoring what a run changed;
- `manual`: manual assignment and unlocking;
- `availability`: a manager's capacity and accepting flag, and the branch and tiers they serve;
- `history`: the one way assignment history rows are built.

Every write service takes `actor` (None = the system) and records an audit event, except
reclassification, which is a consequence of a portrait save rather than an action.
"""
from matching.errors import RunInProgress

from ..planning import Change
from .availability import manager_availability_update, manager_service_area_update
from .classify import customers_reclassify
from .lock import acquire_run_lock, recorded_run
from .manual import customer_assign, customers_assign, customers_unlock
from .runs import RunOptions, RunReport, manager_book_transfer, run_automatic
from .undo import UndoConflict, UndoRefused, run_undo

__all__ = [
    "Change",
    "RunInProgress",
    "RunOptions",
    "RunReport",
    "UndoConflict",
    "UndoRefused",
    "acquire_run_lock",
    "customer_assign",
    "customers_assign",
    "customers_reclassify",
    "customers_unlock",
    "manager_availability_update",
    "manager_service_area_update",
    "manager_book_transfer",
    "recorded_run",
    "run_automatic",
    "run_undo",
]
