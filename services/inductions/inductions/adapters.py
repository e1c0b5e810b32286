"""Tables and the imperative mapping of the domain model onto them."""
from sqlalchemy import Column, DateTime, MetaData, String, Table, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import registry

from inductions.domain.model import Induction

metadata = MetaData()

inductions = Table(
    "inductions",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("trn", String(7), nullable=False, unique=True),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

mapper_registry = registry()
_mapped = False


def start_mappers() -> None:
    global _mapped
    if not _mapped:
        mapper_registry.map_imperatively(Induction, inductions)
        _mapped = True
