"""A school's contacts for lead providers: nominated induction tutors (who need not have an account),
the contact email it chose (GIAS's general contact email until it chooses one) and the emails of its
active users. Every change is audited and published whole as accounts.school_contacts.changed.
"""
from __future__ import annotations

from sqlalchemy import func

from accounts import audit, caller
from accounts.domain.model import InductionTutor, Membership, Organisation, User
from ecf_shared.auth.actor import Principal
from ecf_shared.auth.authorisation import writable
from ecf_shared.errors import Conflict, Invalid, NotFound
from ecf_shared.school_contacts import induction_tutor, school_contact_list


def school(db_session, organisation_id: str, *, lock: bool = False) -> Organisation:
    org = db_session.get(Organisation, str(organisation_id), with_for_update=lock) if organisation_id else None
    if org is None:
        raise NotFound("No such organisation.", code="organisation_not_found")
    if not org.is_school:
        raise Invalid("Only schools have contacts.", code="not_a_school",
                      fields={"organisation_id": ["Only schools have contacts."]})
    return org


def view(db_session, org: Organisation) -> dict:
    tutors = (db_session.query(InductionTutor).filter_by(organisation_id=org.id)
              .order_by(InductionTutor.name, InductionTutor.email).all())
    emails = (db_session.query(User.email).join(Membership, Membership.user_id == User.id)
              .filter(Membership.organisation_id == org.id, User.active.is_(True)).order_by(func.lower(User.email)).all())
    found = {
        "organisation_id": org.id,
        "contact_email": org.contact_email_for_lead_providers or org.contact_email,
        "contact_email_source": "school" if org.contact_email_for_lead_providers else ("gias" if org.contact_email else None),
        "induction_tutors": [{"id": t.id, "name": t.name, "email": t.email} for t in tutors],
        "user_emails": [e for (e,) in emails],
    }
    tutor_name, tutor_email = induction_tutor(found, org.contact_email)
    found["for_lead_providers"] = {"induction_tutor_name": tutor_name, "induction_tutor_email": tutor_email,
                                   "school_contacts": school_contact_list(found, org.contact_email)}
    return found


def event_data(contacts: dict) -> dict:
    return {"organisation_id": contacts["organisation_id"], "contact_email": contacts["contact_email"],
            "induction_tutors": [{"name": t["name"], "email": t["email"]} for t in contacts["induction_tutors"]],
            "user_emails": contacts["user_emails"]}


def publish(uow, org: Organisation, actor) -> dict:
    """Publish the school's whole current contacts (after any change to them, or to its members)."""
    uow.session.flush()
    contacts = view(uow.session, org)
    uow.publish("accounts.school_contacts.changed", event_data(contacts), actor=actor)
    return contacts


def _locked_school(db_session, principal: Principal, organisation_id: str) -> Organisation:
    """The school, locked, once the caller may manage its contacts by their token and as their membership stands."""
    org = school(db_session, writable(principal, organisation_id=organisation_id, permission="manage_contacts",
                                      organisation_types=("school",)), lock=True)
    caller.authorise(db_session, principal, org, "manage_contacts", organisation_types=("school",))
    return org


def nominate_tutor(uow, principal: Principal, organisation_id: str, name: str, email: str) -> dict:
    org = _locked_school(uow.session, principal, organisation_id)
    name, email = name.strip(), email.strip()
    if not name:
        raise Invalid("Give the induction tutor's name.", fields={"name": ["Give the induction tutor's name."]})
    existing = (uow.session.query(InductionTutor).filter_by(organisation_id=org.id)
                .filter(func.lower(InductionTutor.email) == email.lower()).first())
    if existing is not None:
        raise Conflict("That person is already nominated as an induction tutor here.", code="tutor_already_nominated",
                       details={"induction_tutor_id": existing.id})
    tutor = InductionTutor(organisation_id=org.id, name=name, email=email, nominated_by_user_id=principal.user_id)
    uow.session.add(tutor)
    actor = audit.record_by(uow.session, principal, org.id, action="induction_tutor_nominated",
                            subject_type="induction_tutor", subject_id=tutor.id,
                            after={"name": name, "email": email})
    return publish(uow, org, actor)


def remove_tutor(uow, principal: Principal, organisation_id: str, tutor_id: str) -> dict:
    org = _locked_school(uow.session, principal, organisation_id)
    tutor = uow.session.query(InductionTutor).filter_by(id=str(tutor_id), organisation_id=org.id).first()
    if tutor is None:
        raise NotFound("No such induction tutor at this school.", code="tutor_not_found")
    uow.session.delete(tutor)
    actor = audit.record_by(uow.session, principal, org.id, action="induction_tutor_removed",
                            subject_type="induction_tutor", subject_id=tutor.id,
                            before={"name": tutor.name, "email": tutor.email})
    return publish(uow, org, actor)


def set_contact_email(uow, principal: Principal, organisation_id: str, email: str | None) -> dict:
    """The school's contact email for lead providers; None goes back to GIAS's general contact email."""
    org = _locked_school(uow.session, principal, organisation_id)
    email = email.strip() if email else None
    if email == org.contact_email_for_lead_providers:
        return view(uow.session, org)
    before = org.contact_email_for_lead_providers
    org.contact_email_for_lead_providers = email
    actor = audit.record_by(uow.session, principal, org.id, action="school_contact_email_changed",
                            subject_type="organisation", subject_id=org.id,
                            before={"contact_email_for_lead_providers": before},
                            after={"contact_email_for_lead_providers": email})
    return publish(uow, org, actor)
