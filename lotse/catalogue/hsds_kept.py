"""What an HSDS package says that Lotse's own tables do not hold, and the foreign-taxonomy mapping.

`HsdsKept` holds a package's row as it came (every column, as text) when Lotse's export would not
write it the same way by itself: rows of tables Lotse does not use (contacts, programs, funding,
accessibility, cost options, …), rows Lotse cannot use (a monthly schedule, a free-text service
area) and rows Lotse uses but would write differently (a postal address, `urd`, `10:00Z`). The
export writes them again (lotse/catalogue/hsds_rows.py); none of it is shown to clients, and the
API leaves out contacts and metadata. Rows tied to a service go when the service goes.

`TaxonomyMapping` says which Lotse topic (and subtopic) a term of another taxonomy stands for;
the admin edits it and the HSDS import uses it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lotse.catalogue.hsds import REVISIONED
from lotse.db import Base


class HsdsKept(Base):
    __tablename__ = "hsds_kept"
    __table_args__ = (UniqueConstraint("hsds_table", "row_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hsds_table: Mapped[str] = mapped_column(String(40))
    """The HSDS table (`contact`, `schedule`, …), or a Lotse extension."""
    row_id: Mapped[str] = mapped_column(String(160))
    """The row's id as the package gave it."""
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), nullable=True, index=True
    )
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    """True: Lotse holds this row in its own tables too; the kept copy only adds what Lotse
    writes differently, and goes with Lotse's row. False: written as it came."""
    position: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TaxonomyMapping(Base):
    """A term of another taxonomy (`taxonomy` empty: any) and the Lotse topic it stands for."""

    __tablename__ = "taxonomy_mapping"
    __table_args__ = (UniqueConstraint("taxonomy", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy: Mapped[str] = mapped_column(String(200), default="")
    """The taxonomy's name or id as the package names it; empty matches every taxonomy."""
    term: Mapped[str] = mapped_column(String(200))
    """The term's code, id or name (compared without case)."""
    topic: Mapped[str] = mapped_column(ForeignKey("taxonomy_term.id"))
    subtopic: Mapped[str | None] = mapped_column(ForeignKey("taxonomy_term.id"), nullable=True)

    def __str__(self) -> str:
        return f"{self.taxonomy or '*'}: {self.term} → {self.subtopic or self.topic}"


REVISIONED.extend([HsdsKept, TaxonomyMapping])
