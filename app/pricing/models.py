"""Products (shared: competitor prices, quotations and contracts refer to them)."""
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.core.audit import Audited
from app.core.locking import Versioned
from app.core.models import utcnow
from app.core.types import Amount, Quantity
from app.extensions import db


class Product(Audited, Versioned, db.Model):
    """A product we sell. ``unit_cost_amount`` (CNY) is for finance and managers only."""

    __tablename__ = "products"
    __audit_entity__ = "product"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sku: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    name_zh: so.Mapped[str] = so.mapped_column(sa.String(200), default="", index=True)
    hs_code: so.Mapped[str] = so.mapped_column(sa.String(12), default="")
    category: so.Mapped[str] = so.mapped_column(sa.String(100), default="", index=True)
    specification: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    unit: so.Mapped[str] = so.mapped_column(sa.String(20), default="pcs")
    moq: so.Mapped[Decimal | None] = so.mapped_column(Quantity())
    unit_cost_amount: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    cost_currency: so.Mapped[str] = so.mapped_column(sa.String(3), default="CNY")
    units_per_carton: so.Mapped[int | None] = so.mapped_column()
    carton_size: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    gross_weight_kg: so.Mapped[Decimal | None] = so.mapped_column(Quantity())
    net_weight_kg: so.Mapped[Decimal | None] = so.mapped_column(Quantity())
    image_file_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stored_files.id"))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def display_name(self) -> str:
        return f"{self.sku} {self.name_en}" + (f" / {self.name_zh}" if self.name_zh else "")
