"""The navigation for one user, from the data in pages.py: "Home", the role's few pages, and
"More" when the user may use pages the bar leaves out. A page is offered only when the access
rule of its route lets the user in (the same check AccessRuleMiddleware makes), so no link
answers 403."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.functional import LazyObject, SimpleLazyObject

from kernel.access import allowed, rule_of
from partners.models import User

from .pages import PAGES, Page, home_of

# How many links the bar holds at most, "Home" and "More" included: it must fit one row at 1,280 px.
BAR_SIZE = 5


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    current: bool = False  # this page (aria-current="page")
    active: bool = False  # a page within this section (aria-current="true")


@cache
def _route(url_name: str) -> tuple[str, str | None] | None:
    """The page's path and its route's access rule; None if there is no such page."""
    try:
        path = reverse(url_name)
    except NoReverseMatch:
        return None
    return path, rule_of(resolve(path).func, path)


def may_open(user: Any, url_name: str) -> bool:
    """Whether the route's access rule lets the user in."""
    route = _route(url_name)
    return route is not None and allowed(route[1], user)


def path_of(url_name: str) -> str:
    route = _route(url_name)
    return route[0] if route else ""


def usable_pages(user: User) -> list[Page]:
    """Every page in pages.PAGES the user may open, in order."""
    return [page for page in PAGES if may_open(user, page.url_name) and (page.when is None or page.when(user))]


def start_path(user: Any) -> str | None:
    """The path of the user's start page, or None when they have none they may open."""
    if not user.is_authenticated:
        return None
    home = home_of(user)
    if home is None or not may_open(user, home.start):
        return None
    return path_of(home.start)


def links_for(user: Any, path: str) -> list[Link]:
    """The navigation bar: Home (straight to the start page), the role's pages it may open, and
    More when the user may open pages the bar leaves out."""
    if not user.is_authenticated:
        return []
    more = path_of("more")
    start = start_path(user) or more
    usable = [page for page in usable_pages(user) if path_of(page.url_name) != start]
    home = home_of(user)
    offered = {page.key: page for page in usable}
    bar = [offered[key] for key in (home.bar if home else ()) if key in offered][: BAR_SIZE - 2]
    entries = [("Home", start)] + [(page.label, path_of(page.url_name)) for page in bar]
    if start != more and any(page not in bar for page in usable):
        entries.append(("More", more))
    # The section the page is in: the longest of the bar's paths that starts the page's path.
    if path == path_of("home"):
        path = start  # "/" shows the start page when it cannot send the user to it
    within = max((href for _, href in entries if path.startswith(href)), key=len, default=None)
    return [Link(label, href, current=path == href, active=href == within) for label, href in entries]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``navigation``, the links of the navigation bar (computed
    only if a template uses it)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"navigation": []}
    return {"navigation": SimpleLazyObject(lambda: links_for(_unwrapped(user), request.path))}


def _unwrapped(user: Any) -> Any:
    """The user behind request.user's lazy object (Django's auth middleware's), so that the forty
    or so rule checks of the bar read its attributes directly rather than through the proxy."""
    if isinstance(user, LazyObject):
        user.pk  # noqa: B018 - loads the user, as any use of it would
        return user._wrapped
    return user


def pages_by_group(user: User) -> dict[str, list[Page]]:
    """The "More" page: every page the user may open, under its heading."""
    grouped: dict[str, list[Page]] = {}
    for page in usable_pages(user):
        grouped.setdefault(page.group, []).append(page)
    return grouped
