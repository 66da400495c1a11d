"""Sections of the customer page that other areas contribute (needs, interactions, quotations, contracts…).

An area registers a section once, at import time (from its ``routes.py``)::

    from app.customers.sections import customer_section

    customer_section("interactions", 20, "care/_customer_interactions.html", interactions_context)

``context(customer, user)`` returns the template's variables as a dict, or ``None`` to leave the
section out for this user. The template is included with those variables plus ``customer``,
``can_edit`` (the user may change this customer) and ``section`` (its key), and the same dict again as
``s`` (``s.timeline``); it should render its own
``<section class="card">`` with a heading. Sections are shown in ``order`` (research needs use 30).
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class CustomerSection:
    key: str
    order: int
    template: str
    context: Callable | None = None


CUSTOMER_SECTIONS: list[CustomerSection] = []


def customer_section(key: str, order: int, template: str, context: Callable | None = None) -> None:
    CUSTOMER_SECTIONS[:] = [s for s in CUSTOMER_SECTIONS if s.key != key]
    CUSTOMER_SECTIONS.append(CustomerSection(key, order, template, context))
    CUSTOMER_SECTIONS.sort(key=lambda s: s.order)


def sections_for(customer, user, can_edit: bool) -> list:
    """The rendered HTML of every section this user may see, in order."""
    from flask import render_template
    from markupsafe import Markup

    out = []
    for section in CUSTOMER_SECTIONS:
        ctx = section.context(customer, user) if section.context else {}
        if ctx is None:
            continue
        ctx = dict(ctx, customer=customer, can_edit=can_edit, section=section.key)
        out.append(Markup(render_template(section.template, s=ctx, **ctx)))
    return out
