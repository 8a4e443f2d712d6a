"""Key terms of a question, and whether a passage contains them: the vocabulary the keyless
judge (``grounding.py``) and the extractive responder (``extractive.py``) share.

A term is a lower-cased word that is not a stopword, lightly stemmed so that "pairing",
"paired" and "pair" meet. Exact tokens (error codes, versions, product codes: anything with a
digit, an inner ``-``/``_``/``.``/``/``, or written in capitals) are kept whole and weigh more,
because a question that names ``E-999`` is only answered by a passage that names it too.
Hyphens are dropped when matching, so "Wi-Fi" meets "wifi".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

EXACT_WEIGHT = 2.5  # an exact token counts as much as two and a half ordinary words

_WORD = re.compile(r"[^\W_]+(?:[-_./:'\u2019][^\W_]+)*", re.UNICODE)
_JOINERS = re.compile(r"[-_./:]")
_DIGIT = re.compile(r"\d")
_CAMEL = re.compile(r"[a-z][A-Z]")

_STOPWORD_LIST = """
    a about above after again against all already also always am an and any anyone anything are
    aren around as at b be because been before being below between both but by c can cannot
    cant could couldn d did didn didnt do does doesn doesnt doing don done dont down during e
    each either else even ever every everything few for from further get gets getting got
    gotten had hadn has hasn have haven having he hello help her here hers hey hi him his how
    however i id if im in into is isn isnt it its itself ive just keep keeps kind know later
    let like ll m make many may maybe me might mine more most much must my myself need needed
    needs no nor not now o of off ok okay on once one only or other our ours out over own
    please pls possible pretty probably quite r re really right s said same say see seems she
    should shouldn so some someone something sometimes still such sure t tell than thank thanks
    that thats the their theirs them themselves then there these they thing things this those
    though through thx to too tried try trying u under until up us use used uses using ve very
    via want wanted wants was wasn way we well were weren what whats when where whether which
    while who whom whose why will with without won wont would wouldn y yes yet you your youre
    yours yourself
"""
# Words of chat, not of the topic: how people talk about a problem ("it says", "suddenly",
# "weird", "stuff"), not what the problem is. A passage that answers need not contain them.
_CHAT_WORD_LIST = """
    actually again ago almost already anymore ask asked asking basically big bit came come
    comes coming correct crazy day days different else ever exactly fine gave give gives go
    goes going gone gonna good got gotta great guess guys happen happened happening happens
    hope issue issues lately literally little look looking looks lot lots mean means morning
    never new normal old ones problem problems proper question questions random recently say
    saying says seem seemed show showed showing shows simply small strange stuff suddenly
    take takes think today tomorrow told took totally wanna week weird went whole wonder work
    worked working works wrong yesterday
"""
STOPWORDS = frozenset(_STOPWORD_LIST.split()) | frozenset(_CHAT_WORD_LIST.split())


@dataclass(frozen=True)
class Term:
    key: str  # the stemmed, hyphen-free form that is matched
    surface: str  # the word as the visitor wrote it, lower-cased
    exact: bool  # a code, version or other token that must match as written

    @property
    def weight(self) -> float:
        return EXACT_WEIGHT if self.exact else 1.0


def key_terms(text: str) -> list[Term]:
    """The question's distinct key terms, in the order they first appear."""
    words = [match.group().strip("'\u2019") for match in _WORD.finditer(text)]
    letters = [word for word in words if word.isalpha() and len(word) > 1]
    shouting = bool(letters) and sum(word.isupper() for word in letters) > len(letters) / 2
    seen: dict[str, Term] = {}
    for raw in words:
        word = raw.lower().replace("\u2019", "'")
        if word.replace("'", "") in STOPWORDS or _is_noise(word):
            continue
        exact = _is_exact(raw, shouting=shouting)
        key = _normalise(word) if exact else stem(word)
        if key and key not in seen:
            seen[key] = Term(key=key, surface=word, exact=exact)
    return list(seen.values())


def text_keys(text: str) -> frozenset[str]:
    """Every matchable form in a passage: each token whole (stemmed, hyphens dropped) and,
    for compound tokens, each of its parts, so "E-317" and "Profile > Billing" both match."""
    keys: set[str] = set()
    for match in _WORD.finditer(text):
        raw = match.group().strip("'\u2019")
        word = raw.lower()
        keys.add(_normalise(word))
        keys.add(stem(word))
        if _JOINERS.search(word):
            for part in _JOINERS.split(word):
                if part:
                    keys.add(stem(part))
                    keys.add(part)
    keys.discard("")
    return frozenset(keys)


def weighted_coverage(terms: Iterable[Term], keys: frozenset[str]) -> float:
    """The share of the terms' weight found in ``keys``, 0..1 (0 when there are no terms)."""
    total = 0.0
    found = 0.0
    for term in terms:
        total += term.weight
        if term.key in keys:
            found += term.weight
    return found / total if total else 0.0


def stem(word: str) -> str:
    """A light English stemmer: plural, -ing, -ed and a final -e go, doubled consonants are
    undone ("resetting" -> "reset"). Enough to meet word forms; not a linguistic analysis."""
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("-", "")
    if _DIGIT.search(word) or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousl":
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _normalise(word: str) -> str:
    return word.lower().replace("-", "").replace("\u2019", "'")


def _is_exact(raw: str, *, shouting: bool) -> bool:
    """Codes and versions ("E-317", "4.2", "ser_open", "2560"), acronyms ("SSID") and brand
    names in CamelCase ("PayPal"). Short plain numbers ("10 times") and hyphenated everyday
    words ("wi-fi", "sign-in") are ordinary words; so is everything in a question written in
    capitals throughout."""
    bare = _JOINERS.sub("", raw)
    if bare.isdigit():
        return len(bare) >= 4 or _JOINERS.search(raw) is not None
    if _DIGIT.search(raw) or "_" in raw or "." in raw:
        return True
    if shouting:
        return False
    return (len(bare) >= 2 and bare.isupper()) or _CAMEL.search(raw) is not None


def _is_noise(word: str) -> bool:
    """Single letters and lone punctuation-like tokens carry no meaning of their own."""
    return len(word) < 2 and not word.isdigit()


@dataclass(frozen=True)
class Rarity:
    """How rare each word is in one organization's knowledge base: a term the knowledge
    base uses in few chunks says more about what a question is about than one it uses
    everywhere ("arduino"), and a term it never uses (a city, a time of day) cannot be
    looked up at all. Built from :class:`agents.knowledge.retrieval.Vocabulary`."""

    chunks: int = 0  # 0: nothing is known, every term is known and weighs the same
    frequencies: Mapping[str, int] = field(default_factory=dict)  # key -> chunks using it

    @classmethod
    def of(cls, chunks: int, words: Mapping[str, int]) -> Rarity:
        frequencies: dict[str, int] = {}
        for word, count in words.items():
            for key in {stem(word), _normalise(word)}:
                if key:
                    frequencies[key] = min(chunks, frequencies.get(key, 0) + count)
        return cls(chunks=chunks, frequencies=frequencies)

    def frequency(self, term: Term) -> int:
        """Chunks that use the term; for a compound code ("stk500_getsync") that the parser
        split, the rarest of its parts."""
        if not self.chunks:
            return 1
        found = self.frequencies.get(term.key)
        if found:
            return found
        parts = [part for part in _JOINERS.split(term.surface) if part]
        if len(parts) > 1:
            counts = [self.frequencies.get(_normalise(part), 0) for part in parts]
            return min(counts)
        return 0

    def known(self, term: Term) -> bool:
        return self.frequency(term) > 0

    def idf(self, term: Term) -> float:
        """ln(1 + chunks / frequency); a term never used gets the largest value."""
        if not self.chunks:
            return 1.0
        return math.log(1 + self.chunks / max(self.frequency(term), 1))

    def weight(self, term: Term) -> float:
        return term.weight * self.idf(term)


def rare_coverage(terms: Iterable[Term], keys: frozenset[str], rarity: Rarity) -> float:
    """The share of the known terms' rarity-weighted weight found in ``keys``, 0..1."""
    total = 0.0
    found = 0.0
    for term in terms:
        if not rarity.known(term):
            continue
        weight = rarity.weight(term)
        total += weight
        if term.key in keys:
            found += weight
    return found / total if total else 0.0
