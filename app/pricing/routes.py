"""Pricing area: products, exchange rates, quotations, the pricing helper, negotiations, analysis.

The view functions live in the modules imported below; this module only wires them up.
"""
from app.core.uploads import register_file_access
from app.pricing import (  # noqa: F401 - each module registers its views, panels, seeder, command
    cli,
    panels,
    seed,
    views_negotiations,
    views_products,
    views_quotations,
    views_rates,
)


def _any_logged_in_user(user, owner_id) -> bool:
    """Product images are catalogue material: every logged-in user may see them."""
    return user.is_authenticated


register_file_access("product", _any_logged_in_user)

try:  # D1's registry of sections on the customer page
    from app.customers.sections import customer_section
except ImportError:  # pragma: no cover - the customers area has no section registry
    customer_section = None

if customer_section is not None:
    customer_section("quotations", 50, "pricing/_customer_quotations.html", views_quotations.customer_section_context)
