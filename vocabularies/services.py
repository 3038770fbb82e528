"""Writes on vocabulary terms, for bulk imports (the links from portraits to terms are written by core.bulk),
and on branches edited one at a time (the Django admin), audited."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record, field_changes
from core.tabular import model_errors, split_terms

from .models import Branch, Term
from .tiers import service_tiers, validate_tier_codes


def term_key(name: str) -> str:
    """Names are matched ignoring case and surrounding spaces ("funds" finds "Funds")."""
    return name.strip().casefold()


@dataclass
class TermResolution:
    """Term names of an import resolved against one vocabulary; `terms_create_missing` completes `ids`."""

    model: type[Term]
    ids: dict[str, int] = field(default_factory=dict)  # key -> id of a known (or created) term
    names: dict[str, str] = field(default_factory=dict)  # key -> the term's name as stored
    inactive: set[str] = field(default_factory=set)  # keys of known, inactive terms
    problems: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (code, message)
    missing: dict[str, str] = field(default_factory=dict)  # key -> name to create (create=True only)

    def problem(self, name: str, *, allowed_ids: Collection[int] = ()) -> tuple[str, str] | None:
        """`(code, message)` when `name` cannot be chosen. An inactive term is refused unless its id is in
        `allowed_ids` (the portrait has it already: inactive terms stay on existing portraits)."""
        key = term_key(name)
        if key in self.problems:
            return self.problems[key]
        if key in self.inactive and self.ids[key] not in allowed_ids:
            return "inactive_term", _("term “%(name)s” is inactive") % {"name": self.names[key]}
        return None

    def ids_for(self, names: Iterable[str]) -> set[int]:
        return {self.ids[term_key(name)] for name in names}


def terms_not_choosable(*, chosen: Iterable[Term], linked_ids: Collection[int] = ()) -> list[str]:
    """Messages for chosen terms that are inactive: they may stay on a portrait that has them
    (`linked_ids`), never be newly chosen. Forms and API share this rule through the services."""
    return [
        _("“%(name)s” is no longer offered.") % {"name": term.name}
        for term in chosen
        if not term.is_active and term.pk not in linked_ids
    ]


def profile_check(*, terms: Mapping[str, tuple[Iterable[Term], Collection[int]]], instance=None, exclude=None):
    """Raise one ValidationError with every problem of a profile about to be saved, so a form shows them all:
    the model's own rules (``instance.full_clean``, when given) and, for each field of ``terms``, the chosen
    terms no longer offered (`terms_not_choosable`; the pair's second item is the ids the profile has)."""
    errors = {}
    if instance is not None:
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    for field_name, (chosen, linked_ids) in terms.items():
        if problems := terms_not_choosable(chosen=chosen, linked_ids=linked_ids):
            errors[field_name] = problems
    if errors:
        raise ValidationError(errors)


def terms_resolve(*, model: type[Term], names: Iterable[str], create: bool = False) -> TermResolution:
    """Resolve term names to ids in one query, and say what is wrong with the others. Writes nothing.

    The whole vocabulary is read (staff keep it to dozens of terms), so matching ignores case on every
    database. An unknown name is an error, unless `create`: then it is to be created by
    `terms_create_missing`, provided the model accepts the name.
    """
    resolution = TermResolution(model=model)
    exact, folded = {}, {}
    for known in model.objects.order_by("pk").values_list("pk", "name", "is_active"):
        exact[known[1]] = known
        folded.setdefault(known[1].casefold(), known)
    for name in names:
        name, key = name.strip(), term_key(name)
        if not key or key in resolution.names or key in resolution.problems:
            continue
        known = exact.get(name) or folded.get(key)
        if known is not None:
            pk, stored_name, is_active = known
            resolution.ids[key], resolution.names[key] = pk, stored_name
            if not is_active:
                resolution.inactive.add(key)
        elif not create:
            resolution.problems[key] = ("unknown_term", _("unknown term “%(name)s”") % {"name": name})
        elif problems := model_errors(
            model(name=name), exclude=[f.name for f in model._meta.fields if f.name != "name"]
        ):
            resolution.problems[key] = (
                "invalid_term",
                f"“{name}”: " + " ".join(message for _field, message in problems),
            )
        else:
            resolution.missing[key] = resolution.names[key] = name
    return resolution


@transaction.atomic(savepoint=False)
def terms_create_missing(*, resolution: TermResolution, orders: Mapping[str, int] | None = None) -> list[str]:
    """Create the terms `terms_resolve` found missing (two queries) and fill in their ids.

    `orders` gives the new terms' place in the vocabulary by name (default 0, then by name). A term
    someone created meanwhile is reused rather than refused. Returns the names created.
    """
    if not resolution.missing:
        return []
    model = resolution.model
    orders = orders or {}
    model.objects.bulk_create(
        [model(name=name, order=orders.get(name, 0)) for name in resolution.missing.values()], ignore_conflicts=True
    )
    rows = model.objects.filter(name__in=list(resolution.missing.values())).values_list("pk", "name")
    exact = {name: pk for pk, name in rows}
    folded = {name.casefold(): pk for name, pk in exact.items()}
    for key, name in resolution.missing.items():
        resolution.ids[key] = exact.get(name) or folded[key]
    created = list(resolution.missing.values())
    resolution.missing = {}
    return created


Problems = list[tuple[str, str]]  # (code, message)


class NewCode(str):
    """A code an import names that does not exist yet and is to be created (`--create-terms`): the cell's value
    until the import writes, when the code's creator (`branches_create`) gives its id."""


def branch_codes_resolve(
    texts: Iterable[str], create: bool = False
) -> dict[str, tuple[int | NewCode | None, Problems]]:
    """Cells naming a branch by its code, each resolved in one query for the whole file: {text: (branch id or
    None for an empty cell, problems)}. An unknown code is an error (branches come from `import_branches` or
    the admin: a code alone does not say the branch's name and region), unless `create`: then it is a `NewCode`
    for `branches_create`, provided the model accepts the code. Writes nothing."""
    texts = list(texts)
    known = dict(Branch.objects.filter(code__in=[t for t in texts if t]).values_list("code", "id"))
    out = {}
    for text in texts:
        if not text:
            out[text] = (None, [])
        elif text in known:
            out[text] = (known[text], [])
        elif not create:
            out[text] = (None, [("unknown_branch", _("unknown branch code “%(code)s” (add it with import_branches or "
                                                     "in the admin)") % {"code": text})])
        elif problems := model_errors(Branch(code=text, name=text), exclude=["region"]):
            out[text] = (None, [("invalid_branch", " ".join(message for _field, message in problems))])
        else:
            out[text] = (NewCode(text), [])
    return out


@transaction.atomic(savepoint=False)
def branches_create(codes: Collection[str]) -> dict[str, int]:
    """Create branches an import names by code alone (two queries): the code is their name and the region is
    left empty, for staff to complete in the admin. A code someone created meanwhile is reused. {code: id}."""
    if not codes:
        return {}
    Branch.objects.bulk_create([Branch(code=code, name=code, region="") for code in codes], ignore_conflicts=True)
    return dict(Branch.objects.filter(code__in=list(codes)).values_list("code", "id"))


def tier_codes_resolve(texts: Iterable[str], create: bool = False) -> dict[str, tuple[tuple[str, ...], Problems]]:
    """Cells listing tier codes separated by ";" (empty: every tier): {text: (codes in tier order, problems)},
    checked by the model's rule (`tiers.validate_tier_codes`); `create` does not apply to configured tiers."""
    order = [tier.code for tier in service_tiers()]
    out = {}
    for text in texts:
        codes = split_terms(text)
        try:
            validate_tier_codes(codes)
        except ValidationError as exc:
            out[text] = ((), [(exc.error_list[0].code, message) for message in exc.messages])
            continue
        out[text] = (tuple(sorted(codes, key=order.index)), [])
    return out


BRANCH_FIELDS = ("code", "name", "region")


@transaction.atomic
def branch_save(*, branch: Branch, actor) -> Branch:
    """Create a branch or save the code, name and region given to it (checked by the model), audited with what
    changed. Its region decides who may serve whom under the region policy."""
    stored = Branch.objects.filter(pk=branch.pk).values(*BRANCH_FIELDS).first() if branch.pk else None
    branch.full_clean()
    after = {name: getattr(branch, name) for name in BRANCH_FIELDS}
    if stored is not None and not (changes := field_changes(stored, after)):
        return branch
    branch.save()
    audit_record(
        actor=actor, action="branch.created" if stored is None else "branch.changed", target=branch,
        summary=str(branch), changes=changes if stored is not None else field_changes({}, after),
    )
    return branch


@transaction.atomic
def branch_delete(*, branch: Branch, actor) -> None:
    """Delete a branch no customer or manager belongs to (the database protects the others), audited."""
    audit_record(actor=actor, action="branch.deleted", target=branch, summary=str(branch),
                 data={name: getattr(branch, name) for name in BRANCH_FIELDS})
    branch.delete()
