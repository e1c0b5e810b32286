"""Participant declarations (v3 `/api/v3/participant-declarations`): a lead provider says a participant reached a
milestone (started, retained, completed, extended), to be paid on a statement. The rules are in `rules` and
`milestones` (no Flask, no SQLAlchemy), written down in docs/reference/declarations.md."""
