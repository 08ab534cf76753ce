"""{% link %} gives the URL {% url %} gives, for every named URL of the project without or with one id."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse, set_script_prefix
from django.urls.converters import IntConverter

from core.converters import IdConverter
from core.templatetags.crm import link, link_maker


def named_urls(resolver=None, namespace=""):
    """(name, takes_an_id) of every named pattern whose arguments are none or one id."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            parent = list(pattern.pattern.converters.values())
            for name, takes_id in named_urls(pattern, inner):
                if not parent:
                    yield name, takes_id
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = list(pattern.pattern.converters.values())
            if not converters and not pattern.pattern.regex.groups:
                yield f"{namespace}{pattern.name}", False
            elif len(converters) == 1 and isinstance(converters[0], (IdConverter, IntConverter)):
                yield f"{namespace}{pattern.name}", True


@pytest.fixture
def script_prefix():
    yield
    set_script_prefix("/")


def test_the_walk_finds_the_pages():
    names = dict(named_urls())
    assert names["communications:thread"] is True
    assert names["partners:list"] is False
    assert len(names) > 60


@pytest.mark.parametrize("prefix", ["/", "/crm/"])
def test_every_named_url_matches_reverse(prefix, script_prefix):
    set_script_prefix(prefix)
    for name, takes_id in named_urls():
        if takes_id:
            for object_id in (1, 42, 999_999_999_999_999_999):
                assert link(name, object_id) == reverse(name, args=[object_id]), name
        else:
            assert link(name) == reverse(name), name


@pytest.mark.parametrize("prefix", ["/", "/crm/"])
def test_a_link_maker_gives_what_reverse_gives(prefix, script_prefix):
    """The rows' links: the name reversed once per page, then any row's id put in."""
    set_script_prefix(prefix)
    for name, takes_id in named_urls():
        if takes_id:
            url_of = link_maker(name)
            for object_id in (1, 42, 999_999_999_999_999_999):
                assert url_of(object_id) == reverse(name, args=[object_id]), name


def test_anything_but_an_id_goes_to_reverse():
    assert link("communications:thread", "7") == reverse("communications:thread", args=["7"])
    with pytest.raises(NoReverseMatch):
        link("communications:thread", 10**18)  # 19 digits: no URL, as {% url %} says
    with pytest.raises(NoReverseMatch):
        link("communications:thread", -1)
    with pytest.raises(NoReverseMatch):
        link("no-such-page")


def test_in_a_template_the_output_is_escaped_like_url():
    rendered = Template("{% load crm %}<a href=\"{% link 'communications:thread' pk %}\">").render(
        Context({"pk": 5})
    )
    assert rendered == f'<a href="{reverse("communications:thread", args=[5])}">'
