"""Sales contracts (销售合同): versions with their terms and lines, compliance reviews, finance's
payment-term approvals and a readable timeline of every transition.

A contract's terms live on its versions. Version 1 is the first draft; once a version has been
sent to the customer it is frozen (its Word file is stored as it was sent) and any change makes a
new version that needs a new compliance review.
"""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.core.audit import Audited
from app.core.locking import Versioned
from app.core.models import utcnow
from app.core.types import Amount, DecimalType, Quantity, Rate
from app.extensions import db

STATUSES = {
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "returned": _l("Returned"),
    "approved": _l("Approved"),
    "sent": _l("Sent to customer"),
    "signed": _l("Signed"),
    "amended": _l("Amendment in progress"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
}
VERSION_STATUSES = {
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "returned": _l("Returned"),
    "approved": _l("Approved"),
    "sent": _l("Sent to customer"),
    "signed": _l("Signed"),
    "superseded": _l("Superseded"),
    "cancelled": _l("Cancelled"),
}
SIGNED_STATUSES = ("signed", "amended", "closed")
"""Statuses that count as signed sales (D2 progress, D7 metrics)."""

AMENDMENT_KINDS = {
    "customer_dispute": _l("Customer dispute"),
    "customer_request": _l("Customer request"),
    "internal": _l("Internal correction"),
}

EVENTS = {
    "created": _l("Contract drafted"),
    "submitted": _l("Submitted for compliance review"),
    "approved": _l("Compliance review passed"),
    "returned": _l("Returned with comments"),
    "payment_approved": _l("Payment terms approved by finance"),
    "payment_rejected": _l("Payment terms rejected by finance"),
    "sent": _l("Sent to customer"),
    "signed": _l("Signed"),
    "dispute": _l("Customer dispute recorded"),
    "amended": _l("Amendment started"),
    "withdrawn": _l("Amendment withdrawn"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
}


class Contract(Audited, Versioned, db.Model):
    """A sales contract with one customer.

    ``status`` summarises the workflow (see ``STATUSES``): while a signed contract is being amended
    its status is ``amended`` (it still counts as signed sales) and the amendment's own stage is
    ``current_version.status``. ``signed_on`` and ``exchange_rate`` are fixed at the first signing;
    ``total_amount`` is the total of the version in force (the signed one once signed).
    """

    __tablename__ = "contracts"
    __audit_entity__ = "contract"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id"), index=True)
    contact_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("contacts.id", ondelete="SET NULL"))
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="draft", index=True)
    currency: so.Mapped[str] = so.mapped_column(sa.String(3), default="USD")
    exchange_rate: so.Mapped[Decimal | None] = so.mapped_column(Rate())
    total_amount: so.Mapped[Decimal] = so.mapped_column(Amount(), default=Decimal("0"))
    quotation_id: so.Mapped[int | None] = so.mapped_column(index=True)
    current_version_no: so.Mapped[int] = so.mapped_column(default=1)
    first_submitted_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    submitted_at: so.Mapped[datetime | None] = so.mapped_column()
    sent_at: so.Mapped[datetime | None] = so.mapped_column()
    signed_on: so.Mapped[date | None] = so.mapped_column(index=True)
    signed_at: so.Mapped[datetime | None] = so.mapped_column()
    closed_on: so.Mapped[date | None] = so.mapped_column()
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column()
    cancel_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    customer = so.relationship("Customer")
    contact = so.relationship("Contact")
    owner = so.relationship("User", foreign_keys=[owner_id])
    versions: so.Mapped[list["ContractVersion"]] = so.relationship(
        back_populates="contract", order_by="ContractVersion.version_no", cascade="all, delete-orphan")
    reviews: so.Mapped[list["ComplianceReview"]] = so.relationship(
        back_populates="contract", order_by="ComplianceReview.id", cascade="all, delete-orphan")
    events: so.Mapped[list["ContractEvent"]] = so.relationship(
        back_populates="contract", order_by="ContractEvent.id", cascade="all, delete-orphan")
    instalments: so.Mapped[list["PaymentInstalment"]] = so.relationship(
        back_populates="contract", order_by="(PaymentInstalment.due_on, PaymentInstalment.position)",
        cascade="all, delete-orphan")
    receipts: so.Mapped[list["PaymentReceipt"]] = so.relationship(
        back_populates="contract", order_by="(PaymentReceipt.received_on, PaymentReceipt.id)",
        cascade="all, delete-orphan")

    __table_args__ = (sa.Index("ix_contracts_owner_status", "owner_id", "status"),)

    @property
    def current_version(self) -> "ContractVersion":
        return next(v for v in self.versions if v.version_no == self.current_version_no)

    def version(self, version_no: int) -> "ContractVersion | None":
        return next((v for v in self.versions if v.version_no == version_no), None)

    @property
    def status_label(self):
        return STATUSES.get(self.status, self.status)

    @property
    def is_signed(self) -> bool:
        return self.status in SIGNED_STATUSES


class ContractVersion(Audited, Versioned, db.Model):
    """One version of a contract's terms and lines. Editable only while ``draft`` or ``returned``."""

    __tablename__ = "contract_versions"
    __audit_entity__ = "contract_version"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    version_no: so.Mapped[int] = so.mapped_column()
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="draft")
    contract_on: so.Mapped[date] = so.mapped_column()

    seller_name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    seller_name_zh: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    seller_address_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    seller_address_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    seller_contact: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    seller_bank: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    buyer_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    buyer_address: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    buyer_country: so.Mapped[str] = so.mapped_column(sa.String(2), default="")
    buyer_contact: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    buyer_email: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    buyer_phone: so.Mapped[str] = so.mapped_column(sa.String(60), default="")

    currency: so.Mapped[str] = so.mapped_column(sa.String(3), default="USD")
    incoterm: so.Mapped[str] = so.mapped_column(sa.String(3), default="")
    named_place: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    transport_mode: so.Mapped[str] = so.mapped_column(sa.String(20), default="sea")
    port_of_loading: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    port_of_destination: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    latest_shipment_on: so.Mapped[date | None] = so.mapped_column()
    partial_shipment: so.Mapped[bool] = so.mapped_column(default=False)
    transshipment: so.Mapped[bool] = so.mapped_column(default=False)
    more_or_less_percent: so.Mapped[Decimal | None] = so.mapped_column(DecimalType(5, 2))

    payment_terms: so.Mapped[str] = so.mapped_column(sa.String(20), default="tt")
    deposit_percent: so.Mapped[Decimal | None] = so.mapped_column(DecimalType(5, 2))
    payment_days: so.Mapped[int | None] = so.mapped_column()

    insurance_coverage: so.Mapped[str] = so.mapped_column(sa.String(10), default="")
    insurance_percent: so.Mapped[Decimal | None] = so.mapped_column(DecimalType(5, 2))

    packing_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    packing_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    shipping_marks: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    documents_required: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    inspection_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    inspection_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    force_majeure_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    force_majeure_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    arbitration_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    arbitration_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    governing_law_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    governing_law_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    language_clause_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    language_clause_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    remarks: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    total_amount: so.Mapped[Decimal] = so.mapped_column(Amount(), default=Decimal("0"))

    amendment_kind: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    amendment_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column()
    signed_on: so.Mapped[date | None] = so.mapped_column()
    signed_scan_file_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stored_files.id"))
    document_file_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stored_files.id"))

    contract: so.Mapped[Contract] = so.relationship(back_populates="versions")
    created_by = so.relationship("User", foreign_keys=[created_by_id])
    lines: so.Mapped[list["ContractLine"]] = so.relationship(
        back_populates="version", order_by="ContractLine.position", cascade="all, delete-orphan")

    __table_args__ = (sa.UniqueConstraint("contract_id", "version_no", name="uq_contract_versions_no"),)

    @property
    def editable(self) -> bool:
        return self.status in ("draft", "returned")

    @property
    def documents_list(self) -> list[str]:
        return [c for c in self.documents_required.split(",") if c]

    @property
    def status_label(self):
        return VERSION_STATUSES.get(self.status, self.status)

    @property
    def amendment_kind_label(self):
        return AMENDMENT_KINDS.get(self.amendment_kind, "")


class ContractLine(Audited, db.Model):
    __tablename__ = "contract_lines"
    __audit_entity__ = "contract_line"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contract_versions.id", ondelete="CASCADE"),
                                                  index=True)
    position: so.Mapped[int] = so.mapped_column(default=1)
    product_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("products.id", ondelete="SET NULL"))
    hs_code: so.Mapped[str] = so.mapped_column(sa.String(12), default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    quantity: so.Mapped[Decimal] = so.mapped_column(Quantity())
    unit: so.Mapped[str] = so.mapped_column(sa.String(20), default="pcs")
    unit_price_amount: so.Mapped[Decimal] = so.mapped_column(DecimalType(18, 4))
    line_amount: so.Mapped[Decimal] = so.mapped_column(Amount())

    version: so.Mapped[ContractVersion] = so.relationship(back_populates="lines")
    product = so.relationship("Product")


CHECKLIST = {
    "parties": _l("Parties complete (seller and buyer names, addresses, buyer contact)"),
    "incoterm": _l("Incoterm fits the transport mode"),
    "payment": _l("Payment terms approved by finance"),
    "prices": _l("Prices match the approved quotation"),
    "hs_codes": _l("HS codes present on every line"),
    "dispute": _l("Dispute clause (arbitration)"),
    "language": _l("Language clause"),
    "denied_party": _l("Denied-party check confirmed"),
}
RESULTS = {"pass": _l("Pass"), "fail": _l("Fail"), "na": _l("Not applicable")}


class ComplianceReview(db.Model):
    """Legal's review of one version (合规性审核): a result per checklist item, overall result, comments.

    ``is_first_review`` marks the first review a contract ever received (metric 4a's first-pass
    rate). ``content_digest`` fingerprints the reviewed terms, so a signature is only accepted for
    exactly what legal passed.
    """

    __tablename__ = "compliance_reviews"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    version_no: so.Mapped[int] = so.mapped_column()
    reviewer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    passed: so.Mapped[bool] = so.mapped_column()
    comments: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    is_first_review: so.Mapped[bool] = so.mapped_column(default=False)
    results: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    item_comments: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    content_digest: so.Mapped[str] = so.mapped_column(sa.String(64), default="")

    contract: so.Mapped[Contract] = so.relationship(back_populates="reviews")
    reviewer = so.relationship("User")


class PaymentTermsApproval(db.Model):
    """Finance's decision on the payment terms of one contract version (与财务部门协调付款条款).

    ``terms_key`` is the payment terms as agreed (kind, deposit, days, currency); a later version with
    the same terms carries the approval over, changed terms need a new decision.
    """

    __tablename__ = "contract_payment_approvals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    version_no: so.Mapped[int] = so.mapped_column()
    terms_key: so.Mapped[str] = so.mapped_column(sa.String(120))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="pending", index=True)
    requested_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column()
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    carried_from_version_no: so.Mapped[int | None] = so.mapped_column()

    contract: so.Mapped[Contract] = so.relationship()
    decided_by = so.relationship("User")


class ContractEvent(db.Model):
    """The readable timeline of a contract: every transition, who, when, and a note."""

    __tablename__ = "contract_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    version_no: so.Mapped[int] = so.mapped_column()
    action: so.Mapped[str] = so.mapped_column(sa.String(20))
    from_status: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    to_status: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    contract: so.Mapped[Contract] = so.relationship(back_populates="events")
    user = so.relationship("User")

    @property
    def label(self):
        return EVENTS.get(self.action, self.action)


INSTALMENT_KINDS = {
    "deposit": _l("Deposit"),
    "balance": _l("Balance against B/L copy"),
    "prepayment": _l("Payment in advance"),
    "lc": _l("L/C at sight"),
    "dp": _l("D/P at sight"),
    "da": _l("D/A"),
    "oa": _l("O/A"),
}


class PaymentInstalment(Audited, db.Model):
    """One due payment of a signed contract's schedule (回款计划), generated from the payment terms.

    ``paid_amount`` is what the contract's receipts cover of this instalment, allocated oldest
    instalment first (``app.contracts.payments.allocate``); ``settled_on`` is the date of the receipt
    that completed it. The schedule is regenerated when a version with other terms is signed.
    """

    __tablename__ = "contract_instalments"
    __audit_entity__ = "contract_instalment"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    version_no: so.Mapped[int] = so.mapped_column()
    position: so.Mapped[int] = so.mapped_column(default=1)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    due_on: so.Mapped[date] = so.mapped_column(index=True)
    currency: so.Mapped[str] = so.mapped_column(sa.String(3))
    amount: so.Mapped[Decimal] = so.mapped_column(Amount())
    paid_amount: so.Mapped[Decimal] = so.mapped_column(Amount(), default=Decimal("0"))
    settled_on: so.Mapped[date | None] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    contract: so.Mapped[Contract] = so.relationship(back_populates="instalments")

    @property
    def kind_label(self):
        return INSTALMENT_KINDS.get(self.kind, self.kind)

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.paid_amount


class PaymentReceipt(Audited, db.Model):
    """Money received from the buyer against a contract (收汇/回款), recorded by finance.

    Always in the contract's currency. A mistaken receipt is reversed (with a reason), never deleted,
    so the audit log and the receivables history stay complete.
    """

    __tablename__ = "contract_receipts"
    __audit_entity__ = "contract_receipt"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    received_on: so.Mapped[date] = so.mapped_column(index=True)
    currency: so.Mapped[str] = so.mapped_column(sa.String(3))
    amount: so.Mapped[Decimal] = so.mapped_column(Amount())
    bank_reference: so.Mapped[str] = so.mapped_column(sa.String(60))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    is_overpayment: so.Mapped[bool] = so.mapped_column(default=False)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    reversed_at: so.Mapped[datetime | None] = so.mapped_column()
    reversed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    reversal_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    contract: so.Mapped[Contract] = so.relationship(back_populates="receipts")
    recorded_by = so.relationship("User", foreign_keys=[recorded_by_id])
    reversed_by = so.relationship("User", foreign_keys=[reversed_by_id])

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None

