"""Insights' writes: segments (K-Means++ over every portrait, stored on each customer and summarised per
segment in `matching.models.Segment` rows, the table staying where it was created), and the audit record
of a report leaving the system."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from vocabularies.models import Branch
from core.bulk import bulk_set

from matching.models import Segment
from matching.selectors import portrait_figures

from . import segmentation


@dataclass(frozen=True)
class SegmentReport:
    k: int
    silhouette: float | None
    segments: list[Segment]
    customers: int


def _checked_k(k: int, n_customers: int) -> int:
    """`segmentation.check_requested_k` (the one rule), its refusal worded for people."""
    try:
        return segmentation.check_requested_k(k, n_customers)
    except segmentation.KOutOfRange as exc:
        if exc.too_small:
            raise ValidationError(_("k must be at least %(min)d.") % {"min": segmentation.MIN_K}) from exc
        raise ValidationError(
            _("k=%(k)d is more than the %(n)d customers there are.") % {"k": k, "n": n_customers}
        ) from exc


@transaction.atomic
def segments_compute(*, actor: User | None, k: int | None = None, random_state: int = 0) -> SegmentReport:
    """K-Means++ segments of every portrait: store each customer's segment and one summary per segment."""
    figures = portrait_figures()
    n_customers = len(figures.customer_ids)
    if k is not None:
        k = _checked_k(k, n_customers)
    if not n_customers:
        Segment.objects.all().delete()
        report = SegmentReport(k=0, silhouette=None, segments=[], customers=0)
    else:
        report = _segment(figures, k=k, random_state=random_state)
    audit_record(
        actor=actor, action="matching.segments", target_type="matching.segment",
        summary=f"k={report.k}", data={"k_asked": k, "k": report.k, "customers": report.customers,
                                        "random_state": random_state},
    )
    return report


def _segment(figures, *, k: int | None, random_state: int) -> SegmentReport:
    features = segmentation.portrait_features(figures.age, figures.total_assets, figures.needs, figures.hobbies)
    result = segmentation.segment(features, k=k, random_state=random_state)
    summaries = segmentation.summarize(
        result.labels, figures.age, figures.total_assets, figures.needs, figures.hobbies,
        service_names=figures.service_names, hobby_names=figures.hobby_names,
    )
    now = timezone.now()
    bulk_set(
        CustomerProfile, fields=["segment", "updated_at"],
        rows=[(pk, label, now) for pk, label in zip(figures.customer_ids.tolist(), result.labels.tolist())],
    )
    Segment.objects.all().delete()
    segments = Segment.objects.bulk_create(
        Segment(
            label=summary.label, name=summary.name[:200], size=summary.size, median_age=summary.median_age,
            median_assets=Decimal(str(round(summary.median_assets, 2))),
            top_needs=summary.top_needs, top_hobbies=summary.top_hobbies,
        )
        for summary in summaries
    )
    return SegmentReport(
        k=result.k, silhouette=result.silhouette, segments=segments, customers=len(figures.customer_ids)
    )


def report_export_record(
    *, actor: User | None, file_name: str, manager: ManagerProfile | None = None, branch: Branch | None = None
) -> None:
    """Record that a report left the system as a file: who, which file, whose book (a manager's, a branch's,
    or with neither every manager's). Every report download calls it, as every customer export calls
    `customers_export_record`."""
    target = manager or branch
    audit_record(
        actor=actor, action="reports.exported", target=target,
        target_type=(target or ManagerProfile)._meta.label_lower, summary=file_name,
        data={"file": file_name, "manager": manager.pk if manager else None, "branch": branch.pk if branch else None},
    )
