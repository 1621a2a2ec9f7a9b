"""Voluntary equality monitoring answers for the demo register, in proportions close to the
2021 census of England and Wales, with a share of people who answer nothing or prefer not to
say, as real monitoring forms come back."""

from __future__ import annotations

import random
from collections.abc import Iterable

from redress.people.equality import Declaration, declare_equality
from redress.people.models import Disability, EthnicGroup, Gender, Person, User

DECLARES_SHARE = 0.8  # people who return the monitoring form at all
LEFT_BLANK_SHARE = 0.05  # of those, questions left unanswered

# Census 2021, England and Wales: Asian 9.3 %, Black 4.0 %, Mixed 2.9 %, White 81.7 %,
# Other 2.1 %; in percent, with a few who prefer not to say.
ETHNIC_GROUP_WEIGHTS: dict[str, float] = {
    EthnicGroup.ASIAN: 9.3,
    EthnicGroup.BLACK: 4.0,
    EthnicGroup.MIXED: 2.9,
    EthnicGroup.WHITE: 81.7,
    EthnicGroup.OTHER: 2.1,
    EthnicGroup.PREFER_NOT_TO_SAY: 3.0,
}
GENDER_WEIGHTS: dict[str, float] = {
    Gender.WOMAN: 50.5,
    Gender.MAN: 47.0,
    Gender.NON_BINARY: 0.6,
    Gender.OTHER: 0.3,
    Gender.PREFER_NOT_TO_SAY: 1.6,
}
# Census 2021: 17.7 % of people in England and Wales are disabled under the Equality Act.
DISABILITY_WEIGHTS: dict[str, float] = {
    Disability.YES: 17.7,
    Disability.NO: 78.3,
    Disability.PREFER_NOT_TO_SAY: 4.0,
}


def declare_demo_equality(rng: random.Random, people: Iterable[Person], actor: User) -> int:
    """Give most of `people` a monitoring profile; returns how many answered."""
    answered = 0
    for person in people:
        if rng.random() >= DECLARES_SHARE:
            continue
        declaration = Declaration(
            gender=_answer(rng, GENDER_WEIGHTS),
            ethnic_group=_answer(rng, ETHNIC_GROUP_WEIGHTS),
            disability=_answer(rng, DISABILITY_WEIGHTS),
        )
        declare_equality(person, declaration=declaration, actor=actor)
        answered += 1
    return answered


def _answer(rng: random.Random, weights: dict[str, float]) -> str:
    if rng.random() < LEFT_BLANK_SHARE:
        return ""
    return str(rng.choices(list(weights), weights=list(weights.values()))[0])
