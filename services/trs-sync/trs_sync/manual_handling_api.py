"""The manual-handling queue for DfE staff: list, view, and resolve by retrying or by closing with a reason.
Every action is audited."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate

from ecf_shared.auth.authorisation import STAFF_PERMISSIONS
from ecf_shared.bus.consumer import RetryLater
from ecf_shared.errors import Conflict, Forbidden, NotFound, Unavailable
from ecf_shared.web import fields
from ecf_shared.web.app import context
from ecf_shared.web.auth import current_principal
from trs_sync.api import PageQuerySchema, SyncLogEntrySchema, require_staff
from trs_sync.delivery import refresh_queue_depth
from trs_sync.domain.model import ManualHandlingAudit, ManualHandlingItem, StatusChange

blp = Blueprint("manual_handling", __name__, url_prefix="/manual-handling",
                description="Changes TRS would not take from CPD, or the edit rules refused, for people to settle")


class QueueQuerySchema(PageQuerySchema):
    state = fields.String(validate=validate.OneOf(("open", "resolved", "closed")))
    error_code = fields.String(validate=validate.Length(min=1, max=50),
                               metadata={"description": "TRS's error code, or the edit rule's reason code"})
    kind = fields.String(validate=validate.OneOf(("delivery", "drift")))


class AuditSchema(Schema):
    action = fields.String()
    actor_user_id = fields.String()
    actor_email = fields.String(allow_none=True)
    detail = fields.String()
    at = fields.DateTime()


class ManualHandlingItemSchema(Schema):
    id = fields.Integer()
    trn = fields.String()
    event_id = fields.String()
    old_status = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "the induction status CPD wanted TRS to hold"})
    start_date = fields.Date(allow_none=True)
    completed_date = fields.Date(allow_none=True)
    changed_at = fields.DateTime()
    actor_type = fields.String(allow_none=True, metadata={"description": "who made the change, as the rules name them"})
    kind = fields.String(metadata={"description": "delivery: a CPD change TRS did not take | drift: a change made in "
                                                  "the TRS console that CPD may not accept (status and dates are "
                                                  "what TRS holds; old_status is what CPD last sent)"})
    appeal_lodged_on = fields.Date(allow_none=True)
    error_code = fields.String(allow_none=True)
    detail = fields.String()
    state = fields.String(metadata={"description": "open | resolved | closed"})
    resolution = fields.String(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class ItemWithHistorySchema(ManualHandlingItemSchema):
    audit = fields.List(fields.Nested(AuditSchema))


class CloseSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class RetryResultSchema(Schema):
    item = fields.Nested(ManualHandlingItemSchema)
    attempt = fields.Nested(SyncLogEntrySchema)


@blp.route("")
class Queue(MethodView):
    @blp.arguments(QueueQuerySchema, location="query")
    @blp.response(200, ManualHandlingItemSchema(many=True))
    def get(self, query):
        """The queue, oldest first, filtered by TRN, state and error code (DfE staff)."""
        require_staff()
        with context().uow() as uow:
            q = uow.session.query(ManualHandlingItem)
            for name in ("trn", "state", "error_code", "kind"):
                if query.get(name):
                    q = q.filter(getattr(ManualHandlingItem, name) == query[name])
            return q.order_by(ManualHandlingItem.id).limit(query["limit"]).offset(query["offset"]).all()


@blp.route("/<int:item_id>")
class Item(MethodView):
    @blp.response(200, ItemWithHistorySchema)
    def get(self, item_id):
        """One item, with everything staff did to it (DfE staff)."""
        require_staff()
        with context().uow() as uow:
            item = _item(uow, item_id)
            audit = (uow.session.query(ManualHandlingAudit).filter(ManualHandlingAudit.item_id == item_id)
                     .order_by(ManualHandlingAudit.id).all())
            return {**{name: getattr(item, name) for name in ManualHandlingItemSchema().fields}, "audit": audit}


@blp.route("/<int:item_id>/retry")
class Retry(MethodView):
    @blp.response(200, RetryResultSchema)
    def post(self, item_id):
        """Send the wanted change again now, through the edit rules; resolved if TRS takes it (or a newer change
        already settled it), still open with the new reason if refused again."""
        principal = _require_manual_handling()
        with context().uow() as uow:
            item = _open_item(uow, item_id)
            if item.kind == "drift":
                # TRS ignores CPD sending again what it last sent, so only the TRS console can put it back.
                raise Conflict("A change made in the TRS console is settled there, then closed here.",
                               code="drift_not_retryable")
            try:
                attempt = context().extras["gateway"].deliver(uow, StatusChange.from_item(item), item=item)
            except RetryLater as exc:
                raise Unavailable("TRS is not taking changes just now; try again shortly.", code="trs_unavailable",
                                  headers={"Retry-After": str(max(1, round(exc.delay)))}) from exc
            _audit(uow, item, "retry", principal, f"{attempt.outcome}: {attempt.detail or 'TRS accepted the change'}")
            uow.commit()
            return {"item": item, "attempt": attempt}


@blp.route("/<int:item_id>/close")
class Close(MethodView):
    @blp.arguments(CloseSchema)
    @blp.response(200, ManualHandlingItemSchema)
    def post(self, body, item_id):
        """Close an item that was settled by hand, saying how (DfE staff who may handle the queue)."""
        principal = _require_manual_handling()
        with context().uow() as uow:
            item = _open_item(uow, item_id)
            item.settle("closed", body["reason"])
            _audit(uow, item, "close", principal, body["reason"])
            refresh_queue_depth(uow)
            uow.commit()
            return item


def _require_manual_handling():
    require_staff()
    principal = current_principal()
    if "manual_handling" not in STAFF_PERMISSIONS.get(principal.staff_role, frozenset()):
        raise Forbidden("Your staff role does not allow handling the queue.", code="staff_role_forbids")
    return principal


def _item(uow, item_id: int) -> ManualHandlingItem:
    item = uow.session.get(ManualHandlingItem, item_id)
    if item is None:
        raise NotFound("No such manual-handling item.", code="item_not_found")
    return item


def _open_item(uow, item_id: int) -> ManualHandlingItem:
    item = _item(uow, item_id)
    if item.state != "open":
        raise Conflict(f"This item is already {item.state}.", code="item_not_open")
    return item


def _audit(uow, item: ManualHandlingItem, action: str, principal, detail: str) -> None:
    uow.session.add(ManualHandlingAudit(item_id=item.id, action=action, actor_user_id=principal.user_id,
                                        actor_email=principal.email, detail=detail))
