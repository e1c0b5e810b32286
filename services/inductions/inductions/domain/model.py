"""The induction, free of the ORM. Its status is derived, never stored on its own."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Induction:
    trn: str
    first_name: str
    last_name: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_at: datetime | None = None

    def status(self) -> str:
        # Deepened by the inductions issue: periods, outcome, exemption and appeal decide it.
        return "RequiredToComplete"

    def start_date(self) -> date | None:
        return None

    def completed_date(self) -> date | None:
        return None
