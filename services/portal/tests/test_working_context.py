"""Hat and blended: which organisations' records the pages show, and when the chooser comes first."""
from portal.domain.working_context import Organisation, WorkingContext

SCHOOL_A = Organisation("a", "Oakfield", "school", "approver")
SCHOOL_B = Organisation("b", "Riverside", "school", "end_user")
HUB = Organisation("h", "Kingsbridge", "appropriate_body", "end_user")


def context(mode, acting=None):
    return WorkingContext("u", "u@x", "U", mode, acting, organisations=(SCHOOL_A, SCHOOL_B, HUB))


def test_hat_mode_shows_the_acting_organisation_only_and_asks_for_one_first():
    assert context("hat").needs_choice
    assert context("hat", "a").in_view("school") == [SCHOOL_A]
    assert context("hat", "h").in_view("school") == [] and context("hat", "h").sections == [("appropriate_body",
                                                                                          "Appropriate bodies")]


def test_blended_mode_shows_every_organisation_by_kind_and_never_asks():
    blended = context("blended")
    assert not blended.needs_choice
    assert blended.in_view("school") == [SCHOOL_A, SCHOOL_B]
    assert [t for t, _ in blended.sections] == ["school", "appropriate_body"]


def test_it_survives_the_session_as_a_dict():
    assert WorkingContext.from_dict(context("hat", "a").to_dict()) == context("hat", "a")
