"""The wizard rules: where to go next, which steps a person may reach, which answers a change makes stale."""
from portal.domain.registering import REGISTER_ECT, ect_command
from portal.domain.wizard import CHECK_ANSWERS

FOUND = {"trn": "3000001", "date_of_birth": "1996-12-09", "teacher": {"first_name": "Grace", "last_name": "Hopper"}}


def answered(**more):
    return {"school_id": "s1", **FOUND, "reviewed": True, "email": "g@x.example", "started_on": "2026-09-01",
            "working_pattern": "full_time", **more}


def test_the_first_unanswered_step_comes_next_and_the_school_is_asked_only_when_there_are_several():
    assert REGISTER_ECT.first_unanswered({"_ask_school": True}) == "which-school"
    assert REGISTER_ECT.first_unanswered({"school_id": "s1"}) == "find-ect"
    assert REGISTER_ECT.first_unanswered({"school_id": "s1", **FOUND}) == "review-ect"
    assert REGISTER_ECT.first_unanswered(answered()) == "appropriate-body"


def test_jumping_ahead_is_refused_until_every_earlier_step_is_answered():
    assert REGISTER_ECT.may_visit("find-ect", {"school_id": "s1"})
    assert not REGISTER_ECT.may_visit("email", {"school_id": "s1"})
    assert not REGISTER_ECT.may_visit(CHECK_ANSWERS, answered(appropriate_body_id="ab"))
    done = answered(appropriate_body_id="ab", training_programme="school_led")
    assert REGISTER_ECT.may_visit(CHECK_ANSWERS, done) and REGISTER_ECT.first_unanswered(done) == CHECK_ANSWERS


def test_a_lead_provider_is_asked_only_for_provider_led_training_and_dropped_when_that_changes():
    provider_led = answered(appropriate_body_id="ab", training_programme="provider_led")
    assert REGISTER_ECT.first_unanswered(provider_led) == "lead-provider"
    chosen = {**provider_led, "lead_provider_id": "lp"}
    assert REGISTER_ECT.first_unanswered(chosen) == CHECK_ANSWERS
    school_led = REGISTER_ECT.without_stale({**chosen, "training_programme": "school_led"})
    assert "lead_provider_id" not in school_led
    assert ect_command(school_led)["lead_provider_id"] is None


def test_the_moving_question_is_asked_only_when_the_teacher_is_registered_elsewhere():
    elsewhere = {"school_id": "s1", **FOUND, "teacher": {**FOUND["teacher"], "registered_elsewhere": {"school_name": "X"}}}
    assert REGISTER_ECT.first_unanswered(elsewhere) == "moving-school"
    assert REGISTER_ECT.without_stale({"school_id": "s1", **FOUND, "moving": True}).get("moving") is None


def test_the_last_ects_choices_replace_three_questions():
    previous = {"appropriate_body_id": "ab", "training_programme": "provider_led", "lead_provider_id": "lp"}
    answers = answered(_previous_choices=previous)
    assert REGISTER_ECT.first_unanswered(answers) == "use-previous-choices"
    same = {**answers, "use_previous": True}
    assert REGISTER_ECT.first_unanswered(same) == CHECK_ANSWERS
    command = ect_command(same)
    assert (command["appropriate_body_id"], command["training_programme"], command["lead_provider_id"]) == \
        ("ab", "provider_led", "lp")
    assert REGISTER_ECT.first_unanswered({**answers, "use_previous": False}) == "appropriate-body"


def test_the_cohort_is_the_academic_year_of_the_start_date():
    done = answered(appropriate_body_id="ab", training_programme="school_led")
    assert ect_command({**done, "started_on": "2026-09-01"})["cohort"] == 2026
    assert ect_command({**done, "started_on": "2027-01-05"})["cohort"] == 2026


def test_back_goes_to_the_previous_step_that_applies():
    answers = answered(appropriate_body_id="ab", training_programme="school_led")
    assert REGISTER_ECT.previous("email", answers) == "review-ect"
    assert REGISTER_ECT.previous(CHECK_ANSWERS, answers) == "training-programme"
    assert REGISTER_ECT.previous("find-ect", {"school_id": "s1"}) is None


def test_a_school_set_for_a_one_school_user_survives_the_skipped_school_question():
    assert REGISTER_ECT.without_stale(answered())["school_id"] == "s1"
