"""@mentions and #mentions in descriptions.

A mention is written into the text as a token, `@[Anna Kiss](user:12)` or `#[Duna Zrt.](partner:5)`,
which the editor inserts from the suggestions. The token keeps the object's kind and id, so the
rendered link always shows the object's current name (it survives renames); the label in the
token is only a fallback for objects that are gone. Descriptions are plain text: rendering escapes
everything, turns tokens into links, and nh3 cleans the result as a second guard.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

import nh3
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_noop

from communications.models import Mention
from companies.models import Company, Department, Membership, User
from companies.visibility import Viewer

TOKEN_RE = re.compile(
    r"([@#])\[([^\]\n]{1,200})\]\((user|department|partner|product|order|thread|task):(\d{1,18})\)"
)
PEOPLE_KINDS = ("user", "department")
OBJECT_KINDS = ("partner", "product", "order", "thread", "task")


@dataclass(frozen=True)
class Target:
    kind: str
    pk: int


def parse(text: str) -> list[Target]:
    """Targets in the order they appear, each once."""
    seen: dict[Target, None] = {}
    for match in TOKEN_RE.finditer(text or ""):
        seen.setdefault(Target(match.group(3), int(match.group(4))), None)
    return list(seen)


def _models():
    from communications.models import Task, Thread
    from orders.models import Order, Product
    from partners.models import Partner

    return {
        "user": User,
        "department": Department,
        "partner": Partner,
        "product": Product,
        "order": Order,
        "thread": Thread,
        "task": Task,
    }


def resolve(targets: list[Target], company: Company, viewer: Viewer | None = None) -> dict[Target, object]:
    """Load the mentioned objects that exist and belong to the company (one query per kind).

    With a viewer, partners, orders, threads and tasks are also limited to what the viewer may
    open (the same rules as their detail pages); people, departments and products stay as they are.
    """
    by_kind: dict[str, set[int]] = defaultdict(set)
    for target in targets:
        by_kind[target.kind].add(target.pk)
    models = _models()
    found: dict[Target, object] = {}
    for kind, ids in by_kind.items():
        queryset = models[kind].objects.filter(pk__in=ids)
        if kind == "user":
            queryset = queryset.filter(memberships__company=company)
        elif kind == "department":
            queryset = queryset.filter(company=company)
        elif viewer is None:
            if kind == "partner":
                queryset = queryset.filter(accounts__company=company)
            elif kind != "product":
                queryset = queryset.filter(company=company)
        else:
            queryset = _visible(kind, queryset, viewer)
        for obj in queryset:
            found[Target(kind, obj.pk)] = obj
    return found


def _visible(kind: str, queryset, viewer: Viewer):
    """The objects of `kind` the viewer may open, as one query."""
    from communications.models import Task, Thread
    from orders.models import Order
    from partners.models import Partner

    if kind == "partner":
        return queryset.filter(pk__in=Partner.objects.visible_to(viewer))
    if kind == "order":
        return queryset.filter(pk__in=Order.objects.visible_to(viewer).values("pk"))
    if kind == "thread":
        return queryset.filter(pk__in=Thread.objects.visible_to(viewer).values("pk"))
    if kind == "task":
        return queryset.filter(pk__in=Task.objects.readable_by(viewer).values("pk"))  # as the task page
    return queryset if viewer.membership is not None else queryset.none()  # products: any member


def url_for(kind: str, obj) -> str:
    if kind == "user":
        return reverse("companies:person", args=[obj.pk])
    if kind == "department":
        return reverse("companies:department", args=[obj.pk])
    if kind == "partner":
        return reverse("partners:detail", args=[obj.pk])
    return obj.get_absolute_url()


def label_for(kind: str, obj) -> str:
    if kind == "partner":
        return obj.name
    if kind == "department":
        return obj.name
    return str(obj)


def render(text: str, company: Company | None, viewer: Viewer | None = None) -> SafeString:
    """The description as safe HTML: escaped text, line breaks, mention links with current names.

    Pages pass the viewer: a mention of something the viewer may not open stays the plain label
    typed in the token, exactly like a mention of something deleted (no link, no current name).
    """
    if not text:
        return mark_safe("")  # noqa: S308 (empty string)
    found = resolve(parse(text), company, viewer) if company is not None else {}
    parts, position = [], 0
    for match in TOKEN_RE.finditer(text):
        parts.append(escape(text[position : match.start()]))
        trigger, label, kind, pk = match.group(1), match.group(2), match.group(3), int(match.group(4))
        obj = found.get(Target(kind, pk))
        if obj is None:
            parts.append(escape(f"{trigger}{label}"))
        else:
            parts.append(
                format_html(
                    '<a href="{}" class="mention mention-{}">{}{}</a>',
                    url_for(kind, obj),
                    kind,
                    trigger,
                    label_for(kind, obj),
                )
            )
        position = match.end()
    parts.append(escape(text[position:]))
    html = "".join(str(part) for part in parts).replace("\r\n", "\n").replace("\n", "<br>")
    cleaned = nh3.clean(
        html,
        tags={"a", "br"},
        attributes={"a": {"href", "class"}},
        url_schemes={"http", "https"},
        link_rel=None,
    )
    return mark_safe(cleaned)  # noqa: S308 (escaped above, then cleaned by nh3)


# "@" typed by hand (not through the picker): at the start or after a space, not an e-mail address,
# not a token. Up to four words follow; the longest run that names someone wins.
TYPED_RE = re.compile(r"(?<![\w@\[])@(?!\[)([^\s@#\[\]()]+(?:[ \t]+[^\s@#\[\]()]+){0,3})")
TRAILING = ".,;:!?"


@dataclass(frozen=True)
class Candidate:
    kind: str
    pk: int
    label: str
    detail: str = ""

    @property
    def token(self) -> str:
        return f"@[{token_label(self.label)}]({self.kind}:{self.pk})"


@dataclass(frozen=True)
class AmbiguousMention:
    typed: str
    candidates: tuple[Candidate, ...]


def token_label(label: str) -> str:
    """A label that cannot break the token syntax (the picker cleans its labels the same way)."""
    return " ".join(str(label).replace("]", ")").replace("[", "(").split())[:200]


def _names(company: Company) -> dict[str, set[Candidate]]:
    """Who "@..." may name in the company: username, "First Last", "Last First", department name."""
    index: dict[str, set[Candidate]] = defaultdict(set)
    memberships = Membership.objects.active().filter(company=company).select_related("user", "department")
    for membership in memberships:
        user = membership.user
        detail = " · ".join(part for part in (membership.job_title, str(membership.department or "")) if part)
        candidate = Candidate("user", user.pk, str(user), detail)
        keys = {user.username}
        if user.first_name and user.last_name:
            keys |= {f"{user.first_name} {user.last_name}", f"{user.last_name} {user.first_name}"}
        for key in keys:
            index[" ".join(key.split()).casefold()].add(candidate)
    for department in Department.objects.filter(company=company):
        index[" ".join(department.name.split()).casefold()].add(
            Candidate("department", department.pk, department.name)
        )
    return index


def _longest_name(words: list[re.Match], index: dict[str, set[Candidate]]) -> tuple[str, set[Candidate], int]:
    """The longest leading run of words (trailing punctuation allowed) that names someone.

    Returns the text as typed, the candidates and where the name ends inside the match.
    """
    for count in range(len(words), 0, -1):
        phrase = " ".join(word.group() for word in words[:count])
        for typed in (phrase, phrase.rstrip(TRAILING)):
            found = index.get(typed.casefold()) if typed else None
            if found:
                end = words[count - 1].end() - (len(phrase) - len(typed))
                return typed, found, end
    return "", set(), 0


def tokenize_typed_mentions(text: str, company: Company) -> tuple[str, list[AmbiguousMention]]:
    """Turn "@username" and "@First Last" typed without the picker into mention tokens.

    A name that fits exactly one active member (or department) becomes its token, so saving
    notifies as if it had been picked; one that fits several stays text and is returned, so the
    page can ask the author to pick; an unknown name stays text. Costs no query without a plain "@".
    """
    if not text or not TYPED_RE.search(text):
        return text, []
    index = _names(company)
    parts, position, ambiguous = [], 0, []
    for match in TYPED_RE.finditer(text):
        words = list(re.finditer(r"\S+", match.group(1)))
        typed, candidates, end = _longest_name(words, index)
        if not candidates:
            continue
        if len(candidates) > 1:
            ordered = tuple(sorted(candidates, key=lambda c: (c.kind != "user", c.label.casefold(), c.pk)))
            ambiguous.append(AmbiguousMention(typed, ordered))
            continue
        parts.append(text[position : match.start()])
        parts.append(next(iter(candidates)).token)
        position = match.start(1) + end
    parts.append(text[position:])
    return "".join(parts), ambiguous


def people_to_notify(targets: list[Target], company: Company) -> set[int]:
    """User ids reached by the mentions: people directly, departments (with sub-departments) by member."""
    user_ids = {t.pk for t in targets if t.kind == "user"}
    department_ids = [t.pk for t in targets if t.kind == "department"]
    reached = set(
        Membership.objects.active()
        .filter(company=company, user_id__in=user_ids)
        .values_list("user_id", flat=True)
    )
    if department_ids:
        departments = Department.objects.filter(company=company, pk__in=department_ids)
        tree = Department.objects.none()
        for department in departments:
            tree = tree | department.get_descendants(include_self=True)
        reached |= set(
            Membership.objects.active()
            .filter(company=company, department__in=tree)
            .values_list("user_id", flat=True)
        )
    return reached


@transaction.atomic
def mentions_sync(
    *, source, company: Company, old_text: str, new_text: str, actor: User, notify_now: bool = True
) -> set[int]:
    """Store the source's mentions and notify only the people newly reached. Returns their ids.

    With `notify_now=False` the caller notifies them (merged with the other reasons of the same save)."""
    from communications.notifications import notify

    source_type = ContentType.objects.get_for_model(source)
    new_targets = parse(new_text)
    content_types = {kind: ContentType.objects.get_for_model(model) for kind, model in _models().items()}
    kinds = {content_type.pk: kind for kind, content_type in content_types.items()}
    stored = Mention.objects.filter(source_type=source_type, source_id=source.pk)
    # A mention is stored (and so listed on the target's page) only if the author may open the
    # target; one stored earlier by someone who could is kept while its token stays in the text.
    kept = {
        Target(kinds[type_id], pk)
        for type_id, pk in stored.values_list("target_type_id", "target_id")
        if type_id in kinds
    }
    found = resolve(new_targets, company, Viewer.for_user(actor, company)) if new_targets else {}
    stored.delete()
    Mention.objects.bulk_create(
        [
            Mention(
                company=company,
                source_type=source_type,
                source_id=source.pk,
                target_type=content_types[target.kind],
                target_id=target.pk,
            )
            for target in new_targets
            if target in found or target in kept
        ],
        ignore_conflicts=True,
    )
    before = people_to_notify(parse(old_text), company)
    after = people_to_notify(new_targets, company)
    newly = after - before - {actor.pk}
    if newly and notify_now:
        notify(
            recipient_ids=newly,
            company=company,
            actor=actor,
            verb="mention",
            message=gettext_noop("%(actor)s mentioned you in %(item)s"),
            params={"actor": actor, "item": source},
            url=source.get_absolute_url(),
        )
    return newly


def mentioned_in(obj, viewer) -> list:
    """The threads, communications and tasks mentioning `obj` that the viewer may see."""
    from communications.models import Communication, Task, Thread

    rows = Mention.objects.filter(
        company=viewer.company, target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk
    ).values_list("source_type", "source_id")
    by_type: dict[int, list[int]] = defaultdict(list)
    for type_id, source_id in rows:
        by_type[type_id].append(source_id)
    sources = []
    for model in (Thread, Communication, Task):
        ids = by_type.get(ContentType.objects.get_for_model(model).pk)
        if ids:
            sources.extend(model.objects.visible_to(viewer).filter(pk__in=ids))
    return sources
