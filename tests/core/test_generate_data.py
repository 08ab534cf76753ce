"""`manage.py generate_data`: the benchmark data set of issue 9, at a thousandth of the reference size.

Transactional: the command ends with VACUUM, which PostgreSQL refuses inside a transaction block.
"""

import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import Client

from communications.models import Communication, NumberSequence, Task, Thread
from companies.hierarchy import subordinate_ids
from companies.models import Company, Membership, SupervisorEdge, User
from contacts.models import Contact
from events.models import Event
from partners.models import Partner, PartnerAccount
from receivables.models import Invoice

pytestmark = pytest.mark.django_db(transaction=True)

SCALE = 0.001  # 100 partners, 1,000 communications, ...


def generate(prefix: str, seed: int = 5) -> str:
    out = StringIO()
    call_command("generate_data", scale=SCALE, seed=seed, prefix=prefix, stdout=out)
    return out.getvalue()


def _depths(company: Company) -> dict[int, int]:
    """Longest supervisor chain above each member (0 for someone with no supervisor)."""
    above = defaultdict(set)
    for supervisor, subordinate in SupervisorEdge.objects.filter(company=company).values_list(
        "supervisor_id", "subordinate_id"
    ):
        above[subordinate].add(supervisor)
    depth: dict[int, int] = {}

    def of(user_id: int) -> int:
        if user_id not in depth:
            depth[user_id] = max((of(boss) + 1 for boss in above[user_id]), default=0)
        return depth[user_id]

    for user_id in Membership.objects.filter(company=company).values_list("user_id", flat=True):
        of(user_id)
    return depth


def _suffix(user: User | None) -> str:
    """A generated username without its company prefix: gen-1-u007 -> u007."""
    return user.username.rsplit("-", 1)[1] if user else ""


def test_sizes_follow_the_scale_and_land_in_the_prefixed_companies():
    output = generate("t")

    companies = Company.objects.filter(code__startswith="t-")
    assert companies.count() == 3
    assert Partner.objects.count() == 100
    assert PartnerAccount.objects.filter(company__in=companies).count() == 100
    assert Contact.objects.count() == 250
    assert Thread.objects.filter(company__in=companies).count() == 200
    assert Communication.objects.filter(company__in=companies).count() == 1000
    assert Task.objects.filter(company__in=companies).count() == 300
    assert Event.objects.filter(company__in=companies).count() == 500
    assert Invoice.objects.filter(company__in=companies).count() == 200
    assert "done in" in output
    # Every thread, communication and task belongs to the company of its partner's account.
    account_company = dict(PartnerAccount.objects.values_list("partner_id", "company_id"))
    for partner_id, company_id in Communication.objects.values_list("partner_id", "company_id"):
        assert account_company[partner_id] == company_id


def test_hierarchy_is_twelve_levels_deep_with_diamonds():
    generate("t")

    for company in Company.objects.filter(code__startswith="t-"):
        depths = _depths(company)
        assert max(depths.values()) == 12, company.code
        roots = [user_id for user_id, depth in depths.items() if depth == 0]
        assert len(roots) == 1, "one person on top"
        # The top sees everyone else of the company, at any depth.
        assert subordinate_ids(user_id=roots[0], company_id=company.pk) == set(depths) - set(roots)
    supervisors_per_person = Counter(
        SupervisorEdge.objects.filter(company__code__startswith="t-").values_list("subordinate_id", flat=True)
    )
    assert max(supervisors_per_person.values()) == 2, "some people have two supervisors (diamonds)"


def test_number_sequences_continue_after_the_generated_items():
    generate("t")

    for model in (Communication, Task):
        highest: dict[tuple[int, str], int] = {}
        for company_id, number in model.objects.values_list("company_id", "number"):
            series, value = re.fullmatch(r"(.+)-(\d{6})", number).groups()
            highest[company_id, series] = max(highest.get((company_id, series), 0), int(value))
        for (company_id, series), value in highest.items():
            sequence = NumberSequence.objects.get(company_id=company_id, series=series)
            assert sequence.last_value == value, (model.__name__, series)
    # No number is used twice within a company.
    numbers = list(Communication.objects.values_list("company_id", "number"))
    assert len(numbers) == len(set(numbers))


def test_the_same_seed_gives_the_same_data():
    generate("a", seed=11)
    generate("b", seed=11)
    generate("c", seed=12)

    def shape(prefix: str) -> list:
        company = Company.objects.get(code=f"{prefix}-1")
        edges = sorted(
            (_suffix(edge.supervisor), _suffix(edge.subordinate))
            for edge in SupervisorEdge.objects.filter(company=company).select_related(
                "supervisor", "subordinate"
            )
        )
        items = [
            (
                item.number[-6:],
                item.direction,
                item.channel,
                item.subject,
                _suffix(item.author),
                _suffix(item.assignee),
            )
            for item in Communication.objects.filter(company=company)
            .select_related("author", "assignee")
            .order_by("subject")
        ]
        return [edges, items]

    assert shape("a") == shape("b")
    assert shape("a") != shape("c")


def test_generated_people_can_log_in_and_see_their_lists():
    """The load test logs in as generated people through the login form and reads their lists."""
    generate("t")
    user = User.objects.get(username="t-1-u000")  # the top of the first company's hierarchy
    group = Group.objects.create(name="Readers")
    group.permissions.set(Permission.objects.filter(codename="view_communication"))
    Membership.objects.get(user=user, company__code="t-1").groups.add(group)
    client = Client()

    response = client.post("/accounts/login/", {"username": user.username, "password": "bench-Pass-2026"})
    assert response.status_code == 302, "the generated password logs in"
    response = client.get("/communications/", {"per_page": 50})
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="direction-') == 50


def test_a_second_run_with_the_same_prefix_is_refused_with_a_clear_message():
    generate("t")

    with pytest.raises(CommandError, match="Companies t-\\* exist already"):
        generate("t")
    assert Company.objects.filter(code__startswith="t-").count() == 3
    assert Communication.objects.count() == 1000
