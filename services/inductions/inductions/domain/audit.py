"""What was changed, by whom, and the changes refused for DfE staff to settle by hand (free of the ORM)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime


def _id() -> str:
    return str(uuid.uuid4())


@dataclass
class AuditEntry:
    """Every change keeps its actor (type, id, email and name at the time); admin changes their note or ticket."""

    trn: str
    action: str
    actor: dict
    details: dict = field(default_factory=dict)
    note: str | None = None
    support_ticket: str | None = None
    id: str = field(default_factory=_id)
    at: datetime | None = None


@dataclass
class ManualHandlingItem:
    """kind: `outside_window` (a change refused by the transition table's window) or `trs_console_change`
    (a change made in the TRS console that CPD may not apply itself; details hold both versions). DfE staff settle
    it by hand and close it with a note saying how (state `closed`)."""

    trn: str
    kind: str
    reason_code: str
    message: str
    actor: dict
    details: dict = field(default_factory=dict)
    action: str | None = None
    state: str = "open"
    id: str = field(default_factory=_id)
    created_at: datetime | None = None
    resolution: str | None = None
    resolved_at: datetime | None = None
    resolved_by: dict | None = None

    def close(self, note: str, by: dict, at: datetime) -> None:
        if self.state != "open":
            raise ItemNotOpen(self.state)
        self.state, self.resolution, self.resolved_by, self.resolved_at = "closed", note, by, at


class ItemNotOpen(Exception):
    def __init__(self, state: str):
        super().__init__(f"This item is already {state}.")
        self.state = state
