"""HTTP entrypoints: thin functions that turn a request into a query or command."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ecf_shared.errors import Forbidden, NotFound
from ecf_shared.web.app import context
from ecf_shared.web.auth import current_principal
from inductions.domain.model import Induction

blp = Blueprint("inductions", __name__, description="Induction records and their status")


class InductionSchema(Schema):
    id = fields.String()
    trn = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    status = fields.Function(lambda i: i.status())


@blp.route("/teachers/<string:trn>/induction")
class TeacherInduction(MethodView):
    @blp.response(200, InductionSchema)
    def get(self, trn):
        """A teacher's induction record (DfE staff)."""
        if not current_principal().is_staff:
            raise Forbidden("Only DfE staff can read any teacher's induction here.")
        with context().uow() as uow:
            induction = uow.session.query(Induction).filter_by(trn=trn).first()
            if induction is None:
                raise NotFound(f"No induction record for TRN {trn}.")
            return induction
