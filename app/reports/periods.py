"""Calendar months and quarters in the company time zone, and their bounds as naive-UTC timestamps."""
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from app.core.calendar import company_today, company_tz

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def add_months(day: date, n: int) -> date:
    """The first day of the month ``n`` months after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    kind: str = "month"

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(date(year, month, 1), date(year, month, monthrange(year, month)[1]), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        return cls(first, date(year, last_month, monthrange(year, last_month)[1]), "quarter")

    @classmethod
    def parse(cls, text: str) -> "Period | None":
        """``YYYY-MM`` → that month; None for anything else."""
        match = _MONTH_RE.match(text or "")
        if not match:
            return None
        year, month = int(match.group(1)), int(match.group(2))
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            return None
        return cls.month(year, month)

    @classmethod
    def current(cls) -> "Period":
        today = company_today()
        return cls.month(today.year, today.month)

    @classmethod
    def previous(cls) -> "Period":
        first = add_months(company_today(), -1)
        return cls.month(first.year, first.month)

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def month_no(self) -> int:
        return self.first.month

    @property
    def quarter_no(self) -> int:
        return (self.first.month - 1) // 3 + 1

    @property
    def key(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}-Q{self.quarter_no}"
        return f"{self.year:04d}-{self.month_no:02d}"

    def containing_quarter(self) -> "Period":
        return Period.quarter(self.year, self.quarter_no)

    def shift(self, months: int) -> "Period":
        first = add_months(self.first, months)
        return Period.month(first.year, first.month)

    @property
    def start_utc(self) -> datetime:
        return _utc(self.first)

    @property
    def end_utc(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return _utc(add_months(self.last, 1) if self.kind in ("month", "quarter") else self.last)

    def months(self) -> list[date]:
        out, day = [], self.first
        while day <= self.last:
            out.append(day)
            day = add_months(day, 1)
        return out


def _utc(day: date) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=company_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)
