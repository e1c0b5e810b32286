"""each period lies inside the one it depends on: training periods inside their ECT or mentor period, mentorships
inside both the ECT's and the mentor's period

Revision ID: 0003

Constraint triggers, DEFERRABLE INITIALLY DEFERRED: they check at commit, so a command that shortens a period and
finishes its dependants in one transaction commits, whatever order it writes them in. Ranges are inclusive and a
NULL finished_on is open (ongoing). Each check re-reads the rows as they are at commit (a row may have changed since
the write that queued the check) and takes a share lock on the parent periods, so a concurrent change to a parent
waits for it (or it for the change) and then sees the committed dates. A refusal is a check_violation naming the
rule as its constraint (see registrations/integrity.py).
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CHECK_TRAINING_PERIOD = """
CREATE FUNCTION check_training_period_inside_its_period(training_id uuid) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    t training_periods%ROWTYPE;
    kind text;
    parent_started date;
    parent_finished date;
BEGIN
    SELECT * INTO t FROM training_periods WHERE id = training_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF t.ect_period_id IS NOT NULL THEN
        kind := 'ECT';
        SELECT started_on, finished_on INTO parent_started, parent_finished
          FROM ect_at_school_periods WHERE id = t.ect_period_id FOR SHARE;
    ELSE
        kind := 'mentor';
        SELECT started_on, finished_on INTO parent_started, parent_finished
          FROM mentor_at_school_periods WHERE id = t.mentor_period_id FOR SHARE;
    END IF;
    IF NOT daterange(parent_started, parent_finished, '[]') @> daterange(t.started_on, t.finished_on, '[]') THEN
        RAISE EXCEPTION 'Training period % (% to %) does not lie inside its % period at the school (% to %).',
            t.id, t.started_on, coalesce(t.finished_on::text, 'open'), kind, parent_started,
            coalesce(parent_finished::text, 'open')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'training_period_inside_its_period',
                  TABLE = 'training_periods';
    END IF;
END
$$
"""

CHECK_MENTORSHIP = """
CREATE FUNCTION check_mentorship_inside_both_periods(mentorship_id uuid) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    m mentorships%ROWTYPE;
    ect ect_at_school_periods%ROWTYPE;
    mentor mentor_at_school_periods%ROWTYPE;
BEGIN
    SELECT * INTO m FROM mentorships WHERE id = mentorship_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO ect FROM ect_at_school_periods WHERE id = m.ect_period_id FOR SHARE;
    SELECT * INTO mentor FROM mentor_at_school_periods WHERE id = m.mentor_period_id FOR SHARE;
    IF NOT daterange(ect.started_on, ect.finished_on, '[]') @> daterange(m.started_on, m.finished_on, '[]') THEN
        RAISE EXCEPTION 'Mentorship % (% to %) does not lie inside the ECT''s period at the school (% to %).',
            m.id, m.started_on, coalesce(m.finished_on::text, 'open'), ect.started_on,
            coalesce(ect.finished_on::text, 'open')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_inside_both_periods', TABLE = 'mentorships';
    END IF;
    IF NOT daterange(mentor.started_on, mentor.finished_on, '[]') @> daterange(m.started_on, m.finished_on, '[]') THEN
        RAISE EXCEPTION 'Mentorship % (% to %) does not lie inside the mentor''s period at the school (% to %).',
            m.id, m.started_on, coalesce(m.finished_on::text, 'open'), mentor.started_on,
            coalesce(mentor.finished_on::text, 'open')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_inside_both_periods', TABLE = 'mentorships';
    END IF;
END
$$
"""

TRAINING_PERIOD_TRIGGER_FUNCTION = """
CREATE FUNCTION training_period_inside_its_period() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM check_training_period_inside_its_period(NEW.id);
    RETURN NULL;
END
$$
"""

MENTORSHIP_TRIGGER_FUNCTION = """
CREATE FUNCTION mentorship_inside_both_periods() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM check_mentorship_inside_both_periods(NEW.id);
    RETURN NULL;
END
$$
"""

ECT_PERIOD_TRIGGER_FUNCTION = """
CREATE FUNCTION ect_period_contains_its_dependants() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    dependant uuid;
BEGIN
    FOR dependant IN SELECT id FROM training_periods WHERE ect_period_id = NEW.id LOOP
        PERFORM check_training_period_inside_its_period(dependant);
    END LOOP;
    FOR dependant IN SELECT id FROM mentorships WHERE ect_period_id = NEW.id LOOP
        PERFORM check_mentorship_inside_both_periods(dependant);
    END LOOP;
    RETURN NULL;
END
$$
"""

MENTOR_PERIOD_TRIGGER_FUNCTION = """
CREATE FUNCTION mentor_period_contains_its_dependants() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    dependant uuid;
BEGIN
    FOR dependant IN SELECT id FROM training_periods WHERE mentor_period_id = NEW.id LOOP
        PERFORM check_training_period_inside_its_period(dependant);
    END LOOP;
    FOR dependant IN SELECT id FROM mentorships WHERE mentor_period_id = NEW.id LOOP
        PERFORM check_mentorship_inside_both_periods(dependant);
    END LOOP;
    RETURN NULL;
END
$$
"""

DATES_CHANGED = "WHEN (OLD.started_on IS DISTINCT FROM NEW.started_on OR OLD.finished_on IS DISTINCT FROM NEW.finished_on)"

TRIGGERS = (
    ("training_period_inside_its_period", "training_periods",
     "AFTER INSERT OR UPDATE OF started_on, finished_on, ect_period_id, mentor_period_id", ""),
    ("mentorship_inside_both_periods", "mentorships",
     "AFTER INSERT OR UPDATE OF started_on, finished_on, ect_period_id, mentor_period_id", ""),
    ("ect_period_contains_its_dependants", "ect_at_school_periods", "AFTER UPDATE OF started_on, finished_on",
     DATES_CHANGED),
    ("mentor_period_contains_its_dependants", "mentor_at_school_periods", "AFTER UPDATE OF started_on, finished_on",
     DATES_CHANGED),
)


def upgrade():
    for function in (CHECK_TRAINING_PERIOD, CHECK_MENTORSHIP, TRAINING_PERIOD_TRIGGER_FUNCTION,
                     MENTORSHIP_TRIGGER_FUNCTION, ECT_PERIOD_TRIGGER_FUNCTION, MENTOR_PERIOD_TRIGGER_FUNCTION):
        op.execute(function)
    for name, table, events, when in TRIGGERS:
        op.execute(f"CREATE CONSTRAINT TRIGGER {name} {events} ON {table} DEFERRABLE INITIALLY DEFERRED "
                   f"FOR EACH ROW {when} EXECUTE FUNCTION {name}()")


def downgrade():
    for name, table, _, _ in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(f"DROP FUNCTION {name}()")
    op.execute("DROP FUNCTION check_mentorship_inside_both_periods(uuid)")
    op.execute("DROP FUNCTION check_training_period_inside_its_period(uuid)")
