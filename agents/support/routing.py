"""Reading a visitor message before any retrieval: does the visitor ask for a person, and is
the message a short follow-up that only makes sense with the one before it?

Both are deliberately plain pattern checks. A request for a person must never be argued
with, so it is recognised in the languages visitors commonly write in (English, German,
French, Spanish, Italian), without a model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from agents.support.terms import key_terms
from agents.support.turn import HistoryMessage

# A person, in each language: the nouns a visitor uses for "not the bot".
_PERSON = {
    "en": r"(?:a |an |the |some |real |live |actual )*(?:human(?: being| agent)?s?|person|"
    r"agent|operator|representative|rep|customer service|customer support|support agent|"
    r"team member)",
    "de": r"(?:einen? |einer |mit |echten? |echter |richtigen? |richtiger )*(?:mensch(?:en)?|"
    r"mitarbeiter(?:in)?|person|berater(?:in)?|kundendienst|kundenservice|jemandem)",
    "fr": r"(?:un |une |le |la |à |a |vrai |vraie )*(?:humain|personne|conseill[eè]re?|"
    r"agent|op[ée]rat(?:eur|rice)|service client|quelqu'un)",
    "es": r"(?:un |una |el |la |con )*(?:humano|persona|agente|operador(?:a)?|asesor(?:a)?|"
    r"representante|alguien)",
    "it": r"(?:un |una |un'|con |l')*(?:umano|persona|operat(?:ore|rice)|agente|"
    r"consulente|qualcuno)",
}
# Asking to be put through, in each language.
_ASK = {
    "en": r"talk(?:ing)? (?:to|with)|speak(?:ing)? (?:to|with)|chat (?:to|with)|connect me|"
    r"transfer me|put me through|get me|(?:i )?(?:want|need|would like|'d like)(?: to talk to| to "
    r"speak to)?|can i (?:have|get|talk to|speak to)",
    "de": r"sprechen|reden|verbinden|verbinde|möchte|will|brauche|chatten|weiterleiten",
    "fr": r"parler|discuter|passer|transf[ée]rer|mettre en relation|veux|voudrais|besoin",
    "es": r"hablar|comunicar|pasar|transferir|quiero|necesito|p[oó]nme",
    "it": r"parlare|passare|trasferire|voglio|vorrei|ho bisogno",
}
_GAP = {"en": 12, "de": 40, "fr": 20, "es": 20, "it": 20}  # German puts the verb last
_REQUEST_PATTERNS = (
    [
        re.compile(rf"\b(?:{_ASK[lang]})\b.{{0,{_GAP[lang]}}}?\b{_PERSON[lang]}\b", re.IGNORECASE)
        for lang in _PERSON
    ]
    + [
        # German and Italian often name the person first: "einen Mitarbeiter sprechen".
        re.compile(rf"\b{_PERSON[lang]}\b.{{0,25}}?\b(?:{_ASK[lang]})\b", re.IGNORECASE)
        for lang in ("de",)
    ]
    + [
        re.compile(
            r"\b(?:talk|speak|chat)(?:ing)? (?:to|with) (?:someone|somebody|anyone|a member of|"
            r"(?:your|the) (?:support )?(?:team|staff)|support)\b",
            re.IGNORECASE,
        )
    ]
)
# Phrases that ask for a person on their own.
_STANDALONE = re.compile(
    r"\b(?:real (?:person|human)|live (?:agent|person|chat with a person)|human agent|"
    r"echte[nr]? (?:mensch|person)|vraie personne|persona real|persona vera|persona reale|"
    r"operatore umano|un humain)\b",
    re.IGNORECASE,
)
# A message that is nothing but the noun: "human", "agent please", "Mitarbeiter!".
_BARE = re.compile(
    r"^\W*(?:(?:a|an|the|un|une|una|ein|einen)\s+)?(?:human|agent|operator|representative|"
    r"person|mensch|mitarbeiter|humain|opérateur|operateur|humano|operador|umano|operatore)"
    r"(?:\s+(?:please|pls|bitte|s'il vous pla[iî]t|por favor|per favore))?\W*$",
    re.IGNORECASE,
)
# Not a request for a person: "the agent in my sketch", "operator overloading".
_NOT_A_REQUEST = re.compile(r"\boperator (?:overload|precedence)|\buser agent\b", re.IGNORECASE)

_FOLLOW_UP_OPENERS = re.compile(
    r"^\s*(?:and|but|also|or|what about|how about|what if|same for|und|et|y|e|ma|aber)\b",
    re.IGNORECASE,
)
FOLLOW_UP_MAX_TERMS = 3
FOLLOW_UP_MAX_WORDS = 4


def asks_for_a_person(message: str) -> bool:
    """True when the visitor asks to talk to a human rather than the assistant."""
    text = unicodedata.normalize("NFC", message).replace("\u2019", "'")
    if _NOT_A_REQUEST.search(text):
        return False
    if _BARE.match(text) or _STANDALONE.search(text):
        return True
    return any(pattern.search(text) for pattern in _REQUEST_PATTERNS)


def previous_visitor_message(history: Sequence[HistoryMessage], question: str) -> str | None:
    """The visitor's last message before ``question``, if any (the history may or may not
    already end with the question itself)."""
    skipped_question = False
    for message in reversed(history):
        content = message.content.strip()
        if message.role != "visitor" or not content:
            continue
        if content == question.strip() and not skipped_question:
            skipped_question = True
            continue
        return content
    return None


def is_follow_up(question: str) -> bool:
    """A short message that leans on the previous one: "and on Mac?", "what about Android?".
    Either it opens like a follow-up and is short, or it is a single key term in a few words
    ("Android?"). A message without any key term ("thanks!") is not a follow-up question."""
    terms = key_terms(question)
    if not terms or len(terms) > FOLLOW_UP_MAX_TERMS:
        return False
    if _FOLLOW_UP_OPENERS.match(question) is not None:
        return True
    return len(terms) == 1 and len(question.split()) <= FOLLOW_UP_MAX_WORDS


def retrieval_query(question: str, history: Sequence[HistoryMessage]) -> tuple[str, bool]:
    """What to search for, and whether the previous visitor message was added to it."""
    previous = previous_visitor_message(history, question)
    if previous is not None and is_follow_up(question):
        return f"{previous}\n{question.strip()}", True
    return question.strip(), False


# -- several questions in one message -------------------------------------------------------

_ASKING = r"(?:what|how|where|which|can|could|do|does|is|are|will|would|should|why|when|who)"
# Where a message moves on to another question: after a question mark, before "also", and
# after a full stop before "and what ...", "plus how ...".
_NEXT_QUESTION = re.compile(
    rf"(?<=\?)\s+|[.;,!]?\s+(?=(?:and\s+)?also\b)|(?<=[.!])\s+(?=(?:and|plus)\s+{_ASKING}\b)",
    re.IGNORECASE,
)
_ASKS = re.compile(rf"^(?:(?:and|plus)\s+)?(?:also\b|{_ASKING}\b)", re.IGNORECASE)
PART_MIN_TERMS = 2  # a part with fewer key terms ("why?") belongs to the one before
MAX_PARTS = 3


def question_parts(question: str) -> list[str]:
    """The questions a message asks, in order: "how do I renew it? also where do I find the
    PAC" is two. A piece that asks nothing of its own (a statement, "thanks.", a remark
    after the question) is read with the part before it. One part: the message as it is."""
    parts: list[str] = []
    for piece in (p.strip() for p in _NEXT_QUESTION.split(question)):
        if not piece:
            continue
        asks = piece.endswith("?") or _ASKS.match(piece) is not None
        if parts and (
            not asks
            or len(key_terms(piece)) < PART_MIN_TERMS
            or len(key_terms(parts[-1])) < PART_MIN_TERMS
        ):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    if len(parts) > MAX_PARTS:
        parts[MAX_PARTS - 1 :] = [" ".join(parts[MAX_PARTS - 1 :])]
    return parts or [question]
