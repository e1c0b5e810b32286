"""HTTP entrypoints: teacher lookups in TRS for any signed-in caller; the sync log for staff."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate
from sqlalchemy.exc import SQLAlchemyError

from ecf_shared.errors import AppError, Forbidden, NotFound, Unavailable
from ecf_shared.logging import get_logger
from ecf_shared.web import fields
from ecf_shared.web.app import context
from ecf_shared.web.auth import current_principal
from trs_sync import trs_client as trs
from trs_sync.domain.model import SyncLogEntry, Teacher
from trs_sync.watch import note_date_of_birth, note_dates_of_birth

blp = Blueprint("trs_sync", __name__, description="Teachers in TRS, and what CPD sent to TRS")
log = get_logger(__name__)

TRN = validate.Regexp(r"^\d{7}$", error="A TRN is 7 digits.")
MAX_PAGE = 500
MAX_FIND = 2000  # per request to us; TRS is asked 500 at a time


class TrnPathSchema(Schema):
    trn = fields.String(required=True, validate=TRN)


class LookupQuerySchema(Schema):
    date_of_birth = fields.Date(required=True, metadata={"description": "YYYY-MM-DD; must match TRS"})


class InductionSchema(Schema):
    status = fields.String()
    start_date = fields.Date(allow_none=True)
    completed_date = fields.Date(allow_none=True)


class TeacherSchema(Schema):
    trn = fields.String()
    first_name = fields.String()
    middle_name = fields.String(metadata={"description": "empty when there is none, as in TRS"})
    last_name = fields.String()
    date_of_birth = fields.Date()
    qts_awarded_on = fields.Date(allow_none=True)
    induction = fields.Nested(InductionSchema)
    prohibited_from_teaching = fields.Boolean()
    merged_from = fields.String(allow_none=True,
                                metadata={"description": "the TRN asked for, when TRS merged it into trn"})


class PersonSchema(Schema):
    trn = fields.String(required=True, validate=TRN)
    date_of_birth = fields.Date(required=True)


class FindSchema(Schema):
    teachers = fields.List(fields.Nested(PersonSchema), required=True,
                           validate=validate.Length(min=1, max=MAX_FIND))


class FoundSchema(Schema):
    teachers = fields.List(fields.Nested(TeacherSchema), metadata={"description": "those TRS found"})
    not_found = fields.List(fields.String(), metadata={
        "description": "TRNs TRS does not know with that date of birth (or deactivated, or merged)"})
    trs_requests = fields.Integer(metadata={"description": "POST /v3/persons/find calls made for this answer"})


class PageQuerySchema(Schema):
    trn = fields.String(validate=TRN)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_PAGE))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class SyncLogEntrySchema(Schema):
    id = fields.Integer()
    trn = fields.String()
    event_id = fields.String()
    outcome = fields.String(metadata={"description": "delivered | already_in_trs | superseded | manual | retry"})
    request_body = fields.Dict(allow_none=True)
    response_status = fields.Integer(allow_none=True)
    error_code = fields.String(allow_none=True)
    detail = fields.String(allow_none=True)
    duration_ms = fields.Integer(allow_none=True)
    at = fields.DateTime()


@blp.route("/teachers/<string:trn>")
class TeacherInTrs(MethodView):
    @blp.arguments(TrnPathSchema, location="path")
    @blp.arguments(LookupQuerySchema, location="query")
    @blp.response(200, TeacherSchema)
    def get(self, _path, query, trn):
        """A teacher in TRS, by TRN and date of birth (a merged TRN is followed to the current record)."""
        lookup = context().extras["teacher_lookup"]
        try:
            teacher = lookup.find(trn, query["date_of_birth"])
        except trs.NotFound:
            raise NotFound("No teacher with that TRN and date of birth", code="teacher_not_found") from None
        except trs.Deactivated:
            raise AppError("This teacher's TRS record has been deactivated.", code="teacher_deactivated",
                           status=410) from None
        except trs.RateLimited as exc:
            raise _trs_unavailable(exc.retry_after) from exc
        except trs.Transient as exc:
            raise _trs_unavailable(5) from exc
        except trs.TrsError as exc:
            log.error("trs_lookup_refused", trn=trn, status=exc.status, error_code=exc.error_code, detail=exc.detail)
            raise AppError("TRS refused the lookup; support has the details.", code="trs_error", status=502) from exc
        _remember_date_of_birth(teacher)
        return teacher


@blp.route("/teachers/find")
class FindTeachers(MethodView):
    @blp.arguments(FindSchema)
    @blp.response(200, FoundSchema)
    def post(self, body):
        """Many teachers in TRS by TRN and date of birth (DfE staff; the in-flight import): TRS is asked 500 at a
        time, inside the shared TRS rate limit. A merged TRN is not followed: it is reported as not found."""
        require_staff()
        persons = list({(p["trn"], p["date_of_birth"]): None for p in body["teachers"]})
        client = context().extras["teacher_lookup"].trs
        found: dict[str, Teacher] = {}
        requests = 0
        for start in range(0, len(persons), trs.MAX_FIND_PERSONS):
            requests += 1
            try:
                found.update(client.find_teachers(persons[start:start + trs.MAX_FIND_PERSONS]))
            except trs.RateLimited as exc:
                raise _trs_unavailable(exc.retry_after) from exc
            except (trs.Transient, trs.Misconfigured) as exc:
                raise _trs_unavailable(5) from exc
            except trs.TrsError as exc:
                log.error("trs_find_refused", status=exc.status, error_code=exc.error_code, detail=exc.detail)
                raise AppError("TRS refused the lookup; support has the details.", code="trs_error",
                               status=502) from exc
        # The same TRN asked with another date of birth is not that teacher.
        teachers = [found[trn] for trn, dob in persons if trn in found and found[trn].date_of_birth == dob]
        _remember_dates_of_birth(teachers)
        known = {(t.trn, t.date_of_birth) for t in teachers}
        return {"teachers": teachers, "not_found": list(dict.fromkeys(trn for trn, dob in persons
                                                                      if (trn, dob) not in known)),
                "trs_requests": requests}


def _remember_dates_of_birth(teachers: list[Teacher]) -> None:
    try:
        with context().uow() as uow:
            note_dates_of_birth(uow.session, [(t.trn, t.date_of_birth) for t in teachers])
            uow.commit()
    except SQLAlchemyError:
        log.warning("dates_of_birth_not_remembered", count=len(teachers), exc_info=True)


def _remember_date_of_birth(teacher: Teacher) -> None:
    """Drift detection asks TRS about watched teachers by TRN and date of birth, and only lookups bring the latter."""
    try:
        with context().uow() as uow:
            for trn in dict.fromkeys(filter(None, (teacher.merged_from, teacher.trn))):
                note_date_of_birth(uow.session, trn, teacher.date_of_birth)
            uow.commit()
    except SQLAlchemyError:
        # The caller's lookup must not fail for it: the next lookup (the claim, say) brings the date again.
        log.warning("date_of_birth_not_remembered", trn=teacher.trn, exc_info=True)


def _trs_unavailable(retry_after: float) -> Unavailable:
    return Unavailable("TRS is not answering just now; try again shortly.", code="trs_unavailable",
                       headers={"Retry-After": str(max(1, round(retry_after)))})


def require_staff() -> None:
    if not current_principal().is_staff:
        raise Forbidden("Only DfE staff can read what was sent to TRS.")


@blp.route("/sync-log")
class SyncLog(MethodView):
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, SyncLogEntrySchema(many=True))
    def get(self, query):
        """Every attempt to send a change to TRS, newest first (DfE staff)."""
        require_staff()
        with context().uow() as uow:
            q = uow.session.query(SyncLogEntry)
            if query.get("trn"):
                q = q.filter(SyncLogEntry.trn == query["trn"])
            return q.order_by(SyncLogEntry.id.desc()).limit(query["limit"]).offset(query["offset"]).all()
