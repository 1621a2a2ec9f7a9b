"""The small built-in word lists the demo organisation is made from: names, places, the words of
complaints, reasons and responses. Nothing is downloaded; every person is invented.

Names are drawn from common given and family names of the communities a British membership
organisation has, combined at random, so they look real; e-mail addresses are at example.org and
membership numbers start with DEMO, so no record can be mistaken for a real one.
"""

from __future__ import annotations

import random
import unicodedata

GIVEN_NAMES = (
    "Aisha", "Amara", "Anil", "Ben", "Bilal", "Bronwen", "Callum", "Catherine", "Chidi", "Daniel",
    "Deborah", "Dev", "Eilidh", "Emeka", "Esther", "Farah", "Fatima", "Gareth", "Grace", "Gwen",
    "Hamza", "Hannah", "Ifeoma", "Imran", "Ioana", "Isla", "Jack", "Jasmine", "Joel", "Kasia",
    "Kwame", "Leah", "Lewis", "Liam", "Mairead", "Marcus", "Miriam", "Maryam", "Nathan", "Niamh",
    "Noah", "Olu", "Omar", "Parveen", "Priya", "Rachel", "Rhys", "Rosa", "Ruth", "Sam", "Samira",
    "Sean", "Simon", "Sofia", "Tariq", "Thandiwe", "Tom", "Yusuf", "Zara", "Zoltan",
)  # fmt: skip

FAMILY_NAMES = (
    "Abbott", "Adeyemi", "Ahmed", "Baker", "Begum", "Brennan", "Campbell", "Chowdhury", "Clarke",
    "Cohen", "Davies", "Doyle", "Edwards", "Evans", "Friedman", "Gallagher", "Goldberg", "Grant",
    "Hughes", "Hussain", "Iqbal", "Jones", "Kaur", "Kowalski", "Levy", "Lewis", "MacDonald",
    "Mensah", "Mistry", "Morgan", "Murphy", "Nowak", "Nwosu", "O'Brien", "Okafor", "Owusu",
    "Patel", "Popescu", "Price", "Quinn", "Rahman", "Reid", "Roberts", "Rosen", "Shah", "Singh",
    "Stewart", "Taylor", "Thomas", "Walker", "Williams", "Wright", "Yildiz", "Zaman",
)  # fmt: skip

# Nations and their regions; branches are named from the syllables below.
NATIONS = {
    "England": ("North of England", "Midlands", "London", "South of England"),
    "Scotland": ("Highlands and Islands", "Central Scotland"),
    "Wales": ("North Wales", "South Wales"),
}
TOWN_STARTS = (
    "Ash", "Brack", "Cold", "Elder", "Fern", "Glen", "Hollin", "Kings", "Lark", "Mill", "Oak",
    "Pen", "Red", "Stan", "Thorn", "Wester", "Whit", "Wood", "Hazel", "Bram",
)  # fmt: skip
TOWN_ENDS = (
    "bridge", "by", "field", "ford", "ham", "holme", "ley", "mouth", "stead", "ton", "wick",
    "worth", "combe", "gate",
)  # fmt: skip

PUBLIC_ROLES = (
    "Councillor for {place} ward",
    "Chair of {place} branch",
    "Secretary of {place} branch",
)
STAFF_JOBS = (
    "Regional organiser",
    "Membership officer",
    "Communications officer",
    "Office manager",
)

PLACES_SAID = (
    "at the {place} branch meeting",
    "in the {place} branch WhatsApp group",
    "on a public Facebook post about the {place} selection",
    "while canvassing in {place}",
    "at the regional conference",
    "in an email to the {place} branch committee",
)

# What complainants say happened, by category. Factual and free of slurs: enough to read like a
# real complaint, not enough to distress.
SUMMARIES = {
    "antisemitism": (
        "The respondent said {where} that Jewish members 'take their orders from abroad' and "
        "refused to withdraw it when challenged.",
        "The respondent shared a cartoon {where} depicting a Jewish financier controlling "
        "politicians, with a comment endorsing it.",
    ),
    "islamophobia": (
        "The respondent said {where} that Muslim members 'should not be trusted with "
        "leaflets' and that mosques are 'recruiting grounds'.",
        "The respondent posted {where} that a Muslim candidate would 'answer to the imam, not "
        "the voters'.",
    ),
    "anti_black_racism": (
        "The respondent repeatedly mispronounced and mocked a Black member's name {where} and "
        "told her to 'go back to her own branch'.",
        "The respondent said {where} that a Black councillor was only selected 'to tick a box'.",
    ),
    "other_racism": (
        "The respondent made remarks {where} about Gypsy and Traveller families being "
        "'criminals by nature'.",
        "The respondent mocked the accent of an Eastern European member {where} and called her "
        "'a guest who should be grateful'.",
    ),
    "sexism": (
        "The respondent told a woman member {where} that the treasurer's role 'needs a man who "
        "can handle numbers'.",
        "The respondent repeatedly talked over and dismissed women members {where} and called "
        "one of them 'hysterical'.",
    ),
    "sexual_harassment": (
        "The respondent sent unwanted messages of a sexual nature to a younger member after "
        "meeting her {where}, and continued after being asked to stop.",
        "The respondent touched a member without consent {where} and made comments about her "
        "appearance.",
    ),
    "homophobia_transphobia": (
        "The respondent said {where} that a gay member 'should keep his private life out of "
        "the branch'.",
        "The respondent deliberately and repeatedly misgendered a trans member {where} after "
        "being asked to stop.",
    ),
    "disability": (
        "The respondent refused to move a branch meeting to an accessible room and mocked a "
        "wheelchair user's request {where}.",
        "The respondent called a member with a learning disability 'slow' {where} and excluded "
        "him from the canvassing rota.",
    ),
    "bullying": (
        "The respondent has shouted at and belittled the complainant {where} over several "
        "months, and told others not to work with her.",
        "The respondent threatened to have the complainant 'deselected' {where} if she "
        "supported the rival slate.",
        "The respondent posted personal criticism of the complainant {where} and encouraged "
        "others to join in.",
    ),
    "other": (
        "The respondent shared confidential branch membership data {where} with a person "
        "outside the organisation.",
        "The respondent campaigned for a candidate of another party {where}.",
    ),
}

RESPONSES = (
    "I accept that I made the remark but it was taken out of context; I have apologised.",
    "I deny the allegations. The messages quoted were sent by someone using my phone.",
    "I did not intend offence and I am willing to attend training.",
    "The complaint is politically motivated and arises from a dispute over the selection.",
    "I accept the facts and regret my conduct. I have stepped down from the committee.",
)

REASONS = {
    "triage": "The complaint, if proven, would breach the code of conduct; the account is "
    "specific and the material referred to is available.",
    "triage_nfa": "The conduct described, taken at its highest, does not breach the rules; the "
    "complainant has been signposted to the branch's mediation scheme.",
    "interim_not_needed": "No ongoing risk to members or to the investigation has been identified.",
    "interim_needed": "The complainant and respondent sit on the same committee and the "
    "complainant reports continuing contact; interim measures are needed.",
    "corroboration": "The screenshots supplied name the group and the date and can be checked "
    "against the group's other members.",
    "consent": "Consent given in writing after the process was explained.",
    "informal_resolved": "Both parties attended a facilitated meeting; the respondent "
    "apologised and the complainant accepts the apology.",
    "report": "The investigation report sets out the evidence gathered, the respondent's answer "
    "and the investigator's assessment of each allegation.",
    "charges": "There is a realistic prospect of the allegations being upheld on the evidence.",
    "no_case": "The evidence gathered does not support the allegations to the required standard.",
    "hearing_request": "The respondent's written wishes about a hearing are on file.",
    "upheld": "The panel prefers the complainant's account, which is corroborated by "
    "contemporaneous messages.",
    "not_upheld": "The evidence is evenly balanced and the panel cannot be satisfied that the "
    "conduct occurred as alleged.",
    "sanction": "The sanction reflects the seriousness of the conduct, the respondent's "
    "acceptance of the facts and the guidance in the rulebook.",
    "departure": "The conduct falls between two rows of the guidance; the panel has weighed the "
    "aggravating factors recorded above and departs from the range for that reason.",
    "review": "The decision applied the adopted definition correctly and the reasons are adequate.",
    "appeal_lodged": "The appellant says the panel did not consider the mitigation submitted.",
    "appeal_dismissed": "The panel considered the mitigation; the appeal raises no new matter.",
    "appeal_varied": "The sanction was at the upper end of the guidance given the respondent's "
    "early acceptance; it is reduced.",
    "suspension": "The complainant reports continued contact from the respondent at branch "
    "events, and the respondent holds the branch membership list.",
    "suspension_review": "The circumstances that justified the suspension continue; the "
    "investigation is progressing within its target.",
}

EMERGENCY_REASON = (
    "A safeguarding report about the respondent was received out of hours and I needed to "
    "check whether interim measures were already in place."
)
CONFIDENTIALITY_REASONS = (
    "The complainant works for the respondent's employer and fears retaliation if identified "
    "before the hearing."
)


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}"


def email_for(name: str, number: int) -> str:
    """A unique address at example.org (reserved for examples, so it can never reach anyone)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = ".".join(part.lower().replace("'", "") for part in ascii_name.split())
    return f"{local}.{number}@example.org"


def town_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(TOWN_STARTS) + rng.choice(TOWN_ENDS)
        if name not in taken:
            taken.add(name)
            return name


def complaint_summary(rng: random.Random, category: str, place: str) -> str:
    where = rng.choice(PLACES_SAID).format(place=place)
    return rng.choice(SUMMARIES[category]).format(where=where)
