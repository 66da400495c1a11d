"""Extension points the areas plug into: navigation, home panels, demo data."""
from dataclasses import dataclass, field

from flask_babel import lazy_pgettext


@dataclass
class NavItem:
    key: str
    label: object
    endpoint: str
    order: int
    roles: set[str] | None = None


@dataclass
class HomePanel:
    key: str
    title: object
    endpoint: str
    order: int
    roles: set[str] | None = None
    extra: dict = field(default_factory=dict)


NAV: list[NavItem] = [
    NavItem("customers", lazy_pgettext("nav", "Customers"), "customers.index", 10),
    NavItem("research", lazy_pgettext("nav", "Market research"), "research.index", 20),
    NavItem("plans", lazy_pgettext("nav", "Sales plans"), "plans.index", 30),
    NavItem("care", lazy_pgettext("nav", "Customer care"), "care.index", 40),
    NavItem("quotations", lazy_pgettext("nav", "Quotations"), "pricing.index", 50),
    NavItem("contracts", lazy_pgettext("nav", "Contracts"), "contracts.index", 60),
    NavItem("coordination", lazy_pgettext("nav", "Coordination"), "coordination.index", 70),
    NavItem("reports", lazy_pgettext("nav", "Analysis & scorecard"), "reports.index", 80),
]
HOME_PANELS: list[HomePanel] = []
SEEDERS: list[tuple[int, object]] = []


def home_panel(key: str, title, order: int = 100, roles: set[str] | None = None):
    """Declare a home-page panel; the view it decorates returns the panel's HTML fragment."""

    def decorator(view):
        endpoint = f"{view.__module__.split('.')[1]}.{view.__name__}"
        HOME_PANELS[:] = [p for p in HOME_PANELS if p.key != key]
        HOME_PANELS.append(HomePanel(key, title, endpoint, order, roles))
        HOME_PANELS.sort(key=lambda p: p.order)
        return view

    return decorator


def seeder(order: int = 100):
    """Register a function that adds demo records; it must be idempotent."""

    def decorator(fn):
        SEEDERS.append((order, fn))
        SEEDERS.sort(key=lambda s: s[0])
        return fn

    return decorator
