"""No hand-written visibility: views and jobs read company data through `companies.visibility`.

The test parses (ast, no import) every view, service, task and job module of the product apps and
looks for the shapes a hand-written tenancy filter takes:

1. `.filter(company=...)`, `.exclude(company_id=...)`, `.get(company=...)`, `Q(company=...)` on
   anything (a related manager too: `partner.turnovers.filter(company=...)`);
2. `X.objects.get(...)` (through any chain: `X.objects.select_related(...).get(...)`) where X is
   a company-owned model;
3. `get_object_or_404(X, ...)` / `get_object_or_404(X.objects..., ...)` with X company-owned.

A model is company-owned when it has a `company` foreign key or a visibility rule of its own
(`objects.visible_to`, e.g. the shared `Partner` master and `Contact`, which hang off partner
accounts). Reads of such records go through `Model.objects.visible_to(viewer)` or
`get_visible_or_404(request, Model, pk)`, with `Viewer.for_job(company)` in background jobs.

A place that really must filter by hand (company configuration, the organisation every member
sees, a person's own tokens, a write's compare-and-swap) goes into ALLOWED with the reason; an
entry that no longer matches anything fails too, so the list stays honest. In the spirit of
`tests/test_url_isolation.py`: the next hand-written filter fails CI instead of a review.
"""

import ast
from collections import defaultdict
from pathlib import Path

from django.apps import apps

from companies.models import Company

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_APPS = [
    "core",
    "companies",
    "partners",
    "contacts",
    "events",
    "orders",
    "communications",
    "receivables",
    "erp_sync",
    "search",
    "api",
]
# Views, list rows, services and tasks by file name; the background jobs' own modules by path.
SCANNED_NAMES = ("views*.py", "rows.py", "services.py", "tasks.py")
JOB_MODULES = (
    "events/discipline.py",
    "events/reminders.py",
    "events/calendar_sync.py",
    "events/ics.py",
    "receivables/dunning.py",
    "receivables/tracking.py",
    "erp_sync/push.py",
    "contacts/notices.py",
)
FILTER_METHODS = {"filter", "exclude", "get", "Q"}
TENANCY_KEYWORDS = {"company", "company_id"}
LOADERS = {"get_object_or_404", "get_list_or_404"}

# (module, function) -> why this place filters by company by hand.
ALLOWED: dict[tuple[str, str], str] = {
    ("contacts.rows", "_read_gdpr_statuses"): (
        "the GDPR statuses of the contacts already on the page (read through visible_to): a notice is "
        "keyed by company and address, and only the page's contacts and addresses are asked for"
    ),
    # The organisation and a person's own rows.
    ("companies.views", "company_switch"): "the user's own memberships: the company to switch to",
    ("companies.views", "organisation"): "the organisation (people, departments) is open to every member",
    ("companies.views", "department_detail"): "the organisation is open to every member (mptt's manager)",
    (
        "communications.views_mentions",
        "mention_search",
    ): "the organisation: people and departments to mention",
    ("communications.views", "notification_open"): "a notification belongs to its recipient (PERSONAL_URLS)",
    ("api.views", "NotificationViewSet.get_queryset"): (
        "a notification belongs to its recipient; the token's company bounds the list too"
    ),
    ("api.views_tokens", "_company_tokens"): (
        "API tokens are access keys, not records: the company's membership managers list them all"
    ),
    ("events.views_calendar", "_active_feed"): "the user's own feed token (PERSONAL)",
    ("events.views_calendar", "_revoke_feeds"): "the user's own feed tokens (PERSONAL): a write",
    (
        "events.services",
        "overdue_meetings",
    ): "the user's own open meetings: the meeting block counts only one's own",
    ("events.reminders", "_reminder_email"): "the recipient's own membership: the language of their company",
    ("events.discipline", "_new_owner"): "the organisation: the owner's direct supervisor",
    # Checked through the helper on another line.
    ("communications.views", "attachment_download"): (
        "an attachment is read with its thread: the next line checks the thread through visible_to"
    ),
    ("companies.views_sharing", "share_revoke_view"): (
        "a share has no owner of its own: `_managed` loads the shared record through get_visible_or_404"
    ),
    ("contacts.views", "contact_detail"): (
        "the active company's own GDPR notices to a contact loaded through get_visible_or_404"
    ),
    ("events.services", "event_close"): "locks the event the view loaded through get_visible_or_404",
    (
        "api.services",
        "api_token_revoke",
    ): "locks the token the view loaded (its owner's, or a company admin's list)",
    ("partners.views", "partner_adopt"): (
        "the shared partner master: does the active company hold an account for it already (whoever owns it)"
    ),
    # Company configuration, webhooks and writes.
    ("contacts.notices", "render_notice"): "company configuration: the company's own notice template",
    (
        "receivables.dunning",
        "LetterRenderer.__init__",
    ): "company configuration: the company's letter templates",
    ("receivables.tracking", "letter_tracking_record"): (
        "the ESP's webhook names the letter by its message id; the company comes from the letter"
    ),
    (
        "receivables.tracking",
        "_bounce_task",
    ): "a job given one letter's id; the company comes from the letter",
    ("events.discipline", "take_away_neglected_partners"): (
        "PartnerWatch is the job's own bookkeeping (one row per listed partner), never shown to a person"
    ),
    ("events.discipline", "_take_away"): "a write: compare-and-swap on the account's owner",
}


def company_owned_models() -> set[str]:
    names = set()
    for app_label in PRODUCT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            field = next((f for f in model._meta.get_fields() if f.name == "company"), None)
            owned = field is not None and getattr(field, "related_model", None) is Company
            if owned or hasattr(model.objects, "visible_to"):
                names.add(model.__name__)
    return names


def scanned_files() -> list[Path]:
    files = set()
    for app_label in PRODUCT_APPS:
        for pattern in SCANNED_NAMES:
            files.update((ROOT / app_label).glob(pattern))
    files.update(ROOT / path for path in JOB_MODULES)
    return sorted(files)


def _root_name(node: ast.AST) -> str | None:
    """`X` in `X`, `X.objects`, `X.objects.select_related(...).filter(...)`."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _through_objects(node: ast.AST) -> bool:
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


class _Finder(ast.NodeVisitor):
    def __init__(self, owned: set[str]):
        self.owned = owned
        self.scope: list[str] = []
        self.found: list[tuple[str, int, str]] = []

    def _enter(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _enter

    def visit_Call(self, node: ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        where = ".".join(self.scope) or "<module>"
        if name in FILTER_METHODS and any(k.arg in TENANCY_KEYWORDS for k in node.keywords):
            self.found.append((where, node.lineno, f"{name}(company=...)"))
        if name == "get" and isinstance(func, ast.Attribute) and _through_objects(func.value):
            model = _root_name(func.value)
            if model in self.owned:
                self.found.append((where, node.lineno, f"{model}.objects.get(...)"))
        if name in LOADERS and node.args:
            model = _root_name(node.args[0])
            if model in self.owned:
                self.found.append((where, node.lineno, f"{name}({model}, ...)"))
        self.generic_visit(node)


def hand_written_reads(source: str, owned: set[str]) -> list[tuple[str, int, str]]:
    finder = _Finder(owned)
    finder.visit(ast.parse(source))
    return finder.found


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_views_and_jobs_read_company_data_through_the_visibility_helper():
    owned = company_owned_models()
    assert {"PartnerAccount", "Event", "Thread", "Contact", "Partner", "Invoice"} <= owned
    files = scanned_files()
    assert len(files) > 15 and all(path.exists() for path in files)
    offending, used = [], set()
    for path in files:
        module = _module(path)
        for function, line, shape in hand_written_reads(path.read_text(), owned):
            if (module, function) in ALLOWED:
                used.add((module, function))
                continue
            offending.append(f"{path.relative_to(ROOT)}:{line} in {function}: {shape}")
    assert not offending, (
        "Read company data through Model.objects.visible_to(viewer) or get_visible_or_404 "
        "(Viewer.for_job(company) in jobs), or add (module, function) to ALLOWED with the reason:\n"
        + "\n".join(offending)
    )
    assert not set(ALLOWED) - used, f"ALLOWED entries that match nothing any more: {set(ALLOWED) - used}"


def test_the_scan_catches_each_shape_of_hand_written_read():
    source = """
def view(request, pk):
    a = Thread.objects.filter(company=request.company, pk=pk)
    b = partner.turnovers.exclude(company_id=request.company.pk)
    c = Event.objects.select_related("type").get(pk=pk)
    d = get_object_or_404(Contact, pk=pk)
    e = get_object_or_404(Invoice.objects.select_related("partner"), pk=pk)
    f = Thread.objects.filter(Q(company=request.company))

class Job:
    def run(self, company):
        return PartnerAccount.objects.get(pk=1)
"""
    found = hand_written_reads(source, {"Thread", "Event", "Contact", "Invoice", "PartnerAccount"})
    assert [(where, shape) for where, _, shape in found] == [
        ("view", "filter(company=...)"),
        ("view", "exclude(company=...)"),
        ("view", "Event.objects.get(...)"),
        ("view", "get_object_or_404(Contact, ...)"),
        ("view", "get_object_or_404(Invoice, ...)"),
        ("view", "Q(company=...)"),
        ("Job.run", "PartnerAccount.objects.get(...)"),
    ]


def test_reads_through_the_helper_and_unowned_models_pass():
    source = """
def view(request, pk):
    thread = get_visible_or_404(request, Thread, pk)
    events = Event.objects.visible_to(Viewer.for_job(company)).filter(partner=thread.partner)
    product = get_object_or_404(Product, pk=pk)
    user = User.objects.get(pk=pk)
    return Thread.objects.filter(companies__in=[1])
"""
    assert hand_written_reads(source, {"Thread", "Event"}) == []


def test_every_app_has_its_views_scanned():
    scanned = defaultdict(list)
    for path in scanned_files():
        scanned[path.relative_to(ROOT).parts[0]].append(path.name)
    for app_label in (
        "companies",
        "partners",
        "contacts",
        "events",
        "orders",
        "communications",
        "receivables",
    ):
        assert any(name.startswith("views") for name in scanned[app_label]), app_label
