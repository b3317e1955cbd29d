"""The SPE orientation rule and the agreement's public (DESIGN.md §7), on every boundary."""

from datetime import date

import pytest

from directory.services.spe import (
    CAP_EMPLOI,
    FRANCE_TRAVAIL,
    MISSION_LOCALE,
    agreement_public,
    spe_rule,
)

TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("age", "rqth", "signatory", "alternative"),
    [
        (15, False, None, None),
        (15, True, None, None),
        (16, False, MISSION_LOCALE, None),
        (16, True, MISSION_LOCALE, CAP_EMPLOI),
        (25, False, MISSION_LOCALE, None),
        (25, True, MISSION_LOCALE, CAP_EMPLOI),
        (26, False, FRANCE_TRAVAIL, None),
        (26, True, CAP_EMPLOI, None),
        (64, False, FRANCE_TRAVAIL, None),
    ],
)
def test_the_signatory_follows_age_and_rqth(age, rqth, signatory, alternative):
    rule = spe_rule(age, rqth)
    assert (rule.signatory, rule.alternative) == (signatory, alternative)
    assert rule.reason


def test_under_16_is_said_to_be_compulsory_schooling():
    assert "instruction obligatoire" in spe_rule(15, False).reason


def test_no_orientation_when_she_asks_to_be_exempted():
    rule = spe_rule(30, False, accompagnement=False)
    assert rule.signatory is None
    assert "dispensée" in rule.reason


def test_no_orientation_without_an_age():
    assert spe_rule(None, False).signatory is None


@pytest.mark.parametrize(
    "statut",
    [
        "refugie",
        "protection-subsidiaire",
        "apatride",
        "immigration-familiale",
        "immigration-professionnelle",
        "aps",
    ],
)
def test_agreement_statuses_with_a_recent_first_permit_are_inside(statut):
    check = agreement_public(statut, 2024, TODAY)
    assert check.inside is True
    assert "2024" in check.explanation


@pytest.mark.parametrize("statut", ["etudiant", "demandeur-asile"])
def test_students_and_asylum_seekers_are_outside_with_the_reason(statut):
    check = agreement_public(statut, 2025, TODAY)
    assert check.inside is False
    assert "n'entre pas dans le public" in check.explanation


def test_a_first_permit_five_years_old_is_outside_four_years_inside():
    assert agreement_public("refugie", 2022, TODAY).inside is True  # 4 years
    outside = agreement_public("refugie", 2021, TODAY)  # 5 years
    assert outside.inside is False
    assert "il y a 5 ans" in outside.explanation


def test_missing_status_or_year_cannot_tell():
    assert agreement_public(None, 2024, TODAY).inside is None
    missing_year = agreement_public("refugie", None, TODAY)
    assert missing_year.inside is None
    assert "premier titre" in missing_year.explanation
