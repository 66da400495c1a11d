"""Demo payments on the signed demo contracts (runs after the contracts seeder).

The first signed contract has its deposit paid in full (the balance is due against the B/L copy);
the second has only part of its deposit in, so that instalment is overdue. Idempotent: nothing is
added once any receipt exists.
"""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from app.contracts import payments
from app.contracts.models import SIGNED_STATUSES, Contract, PaymentReceipt
from app.core.calendar import company_today
from app.core.registry import seeder
from app.extensions import db


@seeder(62)
def seed_payments(users):
    if "finance" not in users or db.session.scalar(sa.select(sa.func.count(PaymentReceipt.id))):
        return
    contracts = db.session.scalars(
        sa.select(Contract).where(Contract.status.in_(SIGNED_STATUSES))
        .options(so.selectinload(Contract.versions), so.selectinload(Contract.instalments),
                 so.selectinload(Contract.receipts)).order_by(Contract.id)).all()
    if not contracts:
        return
    with current_app.test_request_context():
        _seed(contracts, users["finance"])


def _seed(contracts, finance):
    today = company_today()
    for contract in contracts:
        payments.refresh_schedule(contract)
    db.session.flush()
    for index, contract in enumerate(contracts[:2]):
        first = contract.instalments[0] if contract.instalments else None
        if first is None:
            continue
        received = min(first.due_on - timedelta(days=2), today)
        if index == 0:
            amount, reference, note = first.amount, "BOC-TT-2611-0418", "Deposit in full, 30 % T/T."
        else:
            amount = (first.amount * Decimal("0.6")).quantize(Decimal("0.01"))
            reference, note = "ICBC-TT-2611-0933", "Part of the deposit; the buyer promised the rest next week."
        payments.record_receipt(contract, finance, received, amount, contract.currency, reference, note)
