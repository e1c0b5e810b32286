"""marshmallow's fields for request and response schemas, with the text, integer and date types every service
uses instead of marshmallow's own: they answer 422 with a field message for what PostgreSQL, UTF-8 or date
arithmetic would refuse later (NUL or a lone surrogate, an integer past PostgreSQL's integer, a date outside
1900..2100). Schemas import `from ecf_shared.web import fields` in place of `from marshmallow import fields`."""
from __future__ import annotations

from marshmallow import fields as _ma
from marshmallow import validate as _validate
from marshmallow.fields import *  # noqa: F401,F403 - the rest of marshmallow's fields, unchanged

from ecf_shared.web import storable


class _StorableText:
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if isinstance(text, str) and not storable.storable_text(text):
            raise self.make_error("unstorable")
        return text


class String(_StorableText, _ma.String):
    default_error_messages = {"unstorable": storable.TEXT_MESSAGE}


class Email(_StorableText, _ma.Email):
    default_error_messages = {"unstorable": storable.TEXT_MESSAGE}


class Url(_StorableText, _ma.Url):
    default_error_messages = {"unstorable": storable.TEXT_MESSAGE}


class Integer(_ma.Integer):
    """Within PostgreSQL's integer; a schema's own Range narrows it further."""

    def __init__(self, *args, **kwargs):
        validators = kwargs.pop("validate", None)
        validators = [validators] if callable(validators) else list(validators or [])
        bounds = _validate.Range(min=storable.INTEGER_MIN, max=storable.INTEGER_MAX, error=storable.INTEGER_MESSAGE)
        super().__init__(*args, validate=[bounds, *validators], **kwargs)


class Date(_ma.Date):
    default_error_messages = {"out_of_range": storable.DATE_MESSAGE}

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not storable.sane_date(day):
            raise self.make_error("out_of_range")
        return day


class DateTime(_ma.DateTime):
    default_error_messages = {"out_of_range": storable.DATE_MESSAGE}

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not storable.sane_date(moment.date()):
            raise self.make_error("out_of_range")
        return moment


Str = String
Int = Integer
