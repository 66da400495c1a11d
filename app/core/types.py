"""Column types: money and quantities as Decimal on every database."""
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class DecimalType(TypeDecorator):
    """A fixed-point number read back as ``Decimal``.

    PostgreSQL stores NUMERIC exactly. SQLite has no decimal type: the value is
    stored with numeric affinity and rebuilt from its shortest repr, which is
    exact for the 15 significant digits money needs here.
    """

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2):
        super().__init__(precision=precision, scale=scale)
        self.scale = scale
        self._exponent = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Numeric(self.impl.precision, self.scale, asdecimal=False))
        return dialect.type_descriptor(sa.Numeric(self.impl.precision, self.scale))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("Money and quantities are Decimal, never float")
        value = Decimal(value)
        if dialect.name == "sqlite":
            return str(value)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):  # SQLite hands back a float or an int
            value = Decimal(str(value))
        return value.quantize(self._exponent)


def Amount():  # noqa: N802 - reads like a type
    return DecimalType(18, 2)


def Quantity():  # noqa: N802
    return DecimalType(18, 3)


def Rate():  # noqa: N802
    return DecimalType(18, 6)
