"""Events from an article: triggers (data) linked to places, dates and counts in the same clause.

Every word list lives in ``geo/extract/data/triggers.csv`` (roles: trigger, talk, irrealis, negation,
generic, planned, destination, origin, locative, locator, anaphor, clause_break, context, ...). An
article that names neither foreign forces nor a base they use gives no events (a withdrawal there is
from parliament). For each clause of each sentence:

1. trigger words give candidate event types; a wish, demand or opinion earlier in the clause, a
   negation or a demonstrative just before the trigger ("هذا الهجوم" refers back) cancels it; a habitual
   cue cancels attacks; some words count only next to a named site ("سلّم" is also "peace");
2. a plan/talk word just before a movement turns it into an agreement ("خطة لإعادة انتشار"), unless the
   movement has its own future verb ("under the plan, troops will leave ...": a planned withdrawal);
3. the date is the finest, nearest date of the clause (a deadline for a future verb), else a day date
   stated earlier in the sentence, else the previous sentence's day for "وقال/وأضاف" continuations, else
   the report date (or, inside appended older stories, an honest range ending at it);
4. places: locators ("الملاصق لمطار ...") and containers (the governorate of a named base) are dropped;
   foreign places count only where the text puts the event there ("في بروكسل"); a definite noun with no
   name ("المعسكر ذاته") points back to the last site named; for movements the place after "من" is the
   origin and the place after "باتجاه/إلى" the destination; presence and attacks give one event per
   named site; other events take the single most precise place, else the article's country;
5. events of one story that describe the same thing are merged (titles repeat the lead; an undated
   mention refers back to the dated one).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from bisect import bisect_left, bisect_right

from gazetteer.models import Place

from ..core.errors import InputError
from ..core.models import Event
from ..core.settings import EARLIEST_EVENT, HANDOVER_COUNTRIES, MIN_CONFIDENCE, STRIKE_COUNTRIES
from ..core.taxonomy import MOVEMENT_TYPES, STRIKE_TYPES
from ..dates import DateSpan, older_item_start
from .clauses import Span, clauses, sentences
from .confidence import report_confidence
from .counts import find_counts
from .document import Document, coalition_place, read_document
from .merge import DATE_RANK, merge_within_article
from .places import COARSE_PRECISIONS, antecedent, described_site, event_places, is_site
from .tokens import Hit, triggers

log = logging.getLogger("geo.extract")

IRREALIS_WINDOW = 40  # tokens before a trigger (in its clause) in which a wish/demand cancels it
NEGATION_WINDOW = 3  # tokens before a trigger in which a negation cancels it
NOT_ATTACK_WINDOW = 3  # "صواريخ باتريوت": air defence next to a rocket word
INTERCEPT_WINDOW = 6  # "اعترضت منظومة دفاع أمريكية هجوما بطائرات مسيرة": intercepted, so made
BACKGROUND_AFTER_WINDOW = 8  # tokens after a trigger in which "days earlier"/"قبل أيام" make it an undated past
TALK_WINDOW = 8  # tokens before a movement trigger in which a plan/talk word makes it an agreement
PLANNED_BEFORE, PLANNED_AFTER = 3, 2
DATE_MAX_CHARS = 140  # a clause date farther than this from the trigger belongs to something else
TO_IRAQI_WINDOW = 6  # tokens after a movement word in which "to Iraqi forces" makes it a handover
ARMED_AGREEMENT_WINDOW = 10  # tokens before an agreement word in which armed groups make it theirs
AGENT_WINDOW = 4  # tokens from the coalition as subject to its attack word ("واشنطن نفذت أمس هجوما")
AGREED_WINDOW = 16  # tokens before a movement word in which "agreed"/"signed" (and its subjects) make an agreement
ANNIVERSARY_DAYS = 1  # an anniversary falls on the day (or, overnight or across time zones, the day after)
PAST_STATE_WINDOW = 6  # tokens before a presence word in which "كانت", "previously" make it the past
ANNOUNCE_WINDOW = 6  # tokens from "أعلن"/"announced" to the movement word it announces
INTENT_WINDOW = 3  # tokens before a movement word in which an intention or decision makes it an announcement
SPEECH_WINDOW = 10  # tokens before a date in which a speech verb makes it the day of the statement
SEIZED_WINDOW = 6  # tokens before a weapon word in which "seized", "found" make it cargo
MEDICAL_WINDOW = 5  # tokens around a movement word in which the wounded or treatment make it medical
TALLY_TAIL = 2  # tokens after a tally noun in which an attack verb is the tally's own ("هجوماً مماثلاً استهدفها")
AGGREGATE_WINDOW = 4  # tokens before a generic attack word in which "more than", "dozens" make it a tally
UNTIL_WINDOW = 3  # tokens after "تستمر" in which an armed group is who goes on ("تستمر فصائل ... بالتهديد")
ATTACK_CONTEXT_CHARS = 100  # how far before an attack's sentence its foreign target may have been named
VSO_OBJECT_WINDOW = 3  # tokens from the coalition subject after its verb to what it struck
ACTOR_WINDOW = 4  # tokens around a strike word in which "Israeli", "تركية" name who struck
STRUCK_WINDOW = 6  # tokens after an attack word in which an armed group's people or premises are its object
# Processes: "بدأت القوات، منذ الأحد، سحب ..." dates their start with "منذ".
_PROCESS_TYPES = {"withdrawal", "redeployment", "handover"}


def _clause_breaks(doc: Document, sent: Span) -> list[int]:
    t0 = doc.token_at(sent.start)
    t1 = doc.token_at(sent.end) - 1
    hits = doc.hits_between(t0, t1)
    breaks = [doc.tokens[h.first].start for h in hits if h.entry.role == "clause_break"]
    # "استهدفت الميليشيات ... القوات الأمريكية، واستهدفت طائرة مسيرة ...": a comma and a "و" + past verb
    # open a new clause (a coordinated event of its own); "، واستهداف أرتال" (a noun) only lists
    for h in hits:
        tok = doc.tokens[h.first]
        if ((h.entry.role == "comma_break" or (h.entry.role.startswith("trigger") and _coordinated_verb(tok.norm)))
                and doc.text[max(0, tok.start - 3):tok.start].rstrip()[-1:] in ("،", ",")):
            breaks.append(tok.start)
    return breaks


def _earlier_agreement(hits: list[Hit]) -> bool:
    """An agreement or announcement word told as an earlier one: "اتفاق سابق" (the word after it), "a previous
    agreement", "a previously announced timeline" (the word before it)."""
    earlier = {h.first for h in hits if h.entry.role == "earlier"}
    return bool(earlier) and any(
        h.entry.type in ("agreement", "announcement") and h.entry.role in ("talk", "trigger")
        and (h.last + 1 in earlier or h.first - 1 in earlier) for h in hits)


def _coordinated_verb(token: str) -> bool:
    """"واستهدفت", "وانسحبوا": و + a past verb (feminine or plural ending), not a plural noun ("وهجمات")."""
    return (token.startswith("و") and len(token) > 4 and not token.endswith("ات")
            and (token.endswith("ت") or token.endswith("وا")))


def _future_verb(token: str, pattern_word: str) -> bool:
    """An Arabic imperfect with the future prefix ("ستسلم", "سينسحب", "وستنقل") matched without it."""
    word = token[1:] if token[:1] in ("و", "ف") else token
    return (len(word) > 3 and word[0] == "س" and word[1] in "يتنا" and not pattern_word.startswith("س")
            and word[1:].startswith(pattern_word.rstrip("*")[:2]))


def _habitual(doc: Document, sent: Span, trig_hits: list[Hit]) -> bool:
    """"وتستهدف الميليشيات ... الوجود الأميركي بطائرات مسيّرة وصواريخ": an Arabic imperfect attack verb in a body
    sentence with no date and no place finer than a country tells what keeps happening, not an event (headlines
    tell news in the present: "طائرات مسيرة تستهدف قاعدة عين الأسد" stays one)."""
    if sent.start < doc.text.find("\n") or doc.dates_in(sent):
        return False
    if any(m.place.precision not in COARSE_PRECISIONS for m in doc.mentions_in(sent)):
        return False  # "درون يستهدف سيارة في #بغداد": a breaking line names where; a habit names a country at most
    for h in trig_hits:
        word = doc.tokens[h.first].norm
        word = word[1:] if word[:1] in ("و", "ف") else word
        if (h.entry.type == "attack" and h.entry.words[0][:1] in ("ي", "ت") and word[:1] == h.entry.words[0][:1]
                and not word.startswith(("تعرض", "تم"))):
            return True
    return False


def _tallied(doc: Document, hits: list[Hit]) -> set[int]:
    """First tokens of tally nouns: "أكثر من 100 هجوم", "151 هجوماً", "dozens of attacks", "165 times"
    count many attacks; they are not one (another trigger of the clause may still be: "أعنفها ... حين استهدفت")."""
    out: set[int] = set()
    verbs: set[int] | None = None
    for t in hits:
        if t.entry.role != "tally_noun":
            continue
        before = doc.tokens[t.first - 1].norm if t.first else ""
        # the aggregate cues that can end in the window before it (bisected: a clause may hold thousands)
        near = hits[bisect_left(hits, t.first - AGGREGATE_WINDOW - triggers().max_span, key=_first):
                    bisect_left(hits, t.first, key=_first)]
        aggregate = [h.last + 1 for h in near
                     if h.entry.role == "aggregate" and 0 < t.first - h.last <= AGGREGATE_WINDOW]
        if before.isdigit() and len(before) <= 4 and 10 <= int(before) < 1900 and t.first - 1 not in doc.date_tokens:
            aggregate.append(t.first)
        if aggregate:
            out.add(t.first)
            # the attack words of the tally's phrase ("numerous rocket attacks", "تعرضت إلى نحو 20 هجوماً") and
            # the verb right after it ("نحو 20 هجوماً مماثلاً استهدفها") tell the tallied attacks
            start, end = min(aggregate), t.last + TALLY_TAIL
            around = hits[bisect_left(hits, start - triggers().max_span, key=_first):
                          bisect_right(hits, end, key=_first)]
            out |= {h.first for h in around if h.entry.role == "trigger" and h.entry.type == "attack"
                    and (start <= h.first <= end or h.first < t.first <= h.last)}
            if t.entry.type == "times":  # "attacked US forces 165 times": the verb is the tally's
                if verbs is None:
                    verbs = {h.first for h in hits if h.entry.role == "trigger" and h.entry.type == "attack"
                             and not h.entry.weapon}
                out |= verbs
    return out


def _struck_object(hits: list[Hit], trig: Hit, role: str) -> bool:
    """True when the attack word's object is of ``role`` (an armed group, a local force): it stands within
    STRUCK_WINDOW tokens after the word, and no foreign force or base is named after the word (in "استهدفت
    فصائل الحشد القوات الأمريكية" the group is the subject)."""
    blockers = ("context",) if role == "local_target" else ("context", "base_word")  # "a Peshmerga base"
    if any(o.entry.role in blockers and o.first > trig.last for o in hits):
        return False
    return any(h.entry.role == role and trig.last < h.first <= trig.last + STRUCK_WINDOW for h in hits)


def _coalition_agent(doc: Document, hits: list[Hit], trig: Hit) -> bool:
    """True when the coalition is the attack word's subject, just before it ("U.S. forces attacked nine
    targets", "واشنطن نفذت، أمس، هجوما"): only agent_gap words and dates stand between the two."""
    gaps = {t for h in hits if h.entry.role == "agent_gap" for t in range(h.first, h.last + 1)}
    verbs = {t for h in hits if h.entry.role == "agent_verb" for t in range(h.first, h.last + 1)}
    if trig.first in verbs and any(h.entry.role == "agent_after" and h.first == trig.last + 1 for h in hits):
        return False  # "US forces attacked in Syria": a headline's passive ("launched an attack on" is not)
    for h in hits:
        if h.entry.role == "agent" and trig.first - AGENT_WINDOW <= h.last < trig.first:
            between = range(h.last + 1, trig.first)
            # a verb of striking in between or as the attack word itself: "للتحالف الدولي، بعبوة ناسفة" is
            # a convoy of the coalition, and "التحالف ... قُصفت" a passive (its vowels are gone)
            if (all(t in gaps or t in verbs or t in doc.date_tokens for t in between)
                    and any(t in verbs for t in [*between, trig.first])
                    and (trig.first in verbs) <= doc.tokens[trig.first].norm.isascii()):
                return True
    # verb first, as Arabic puts it: "استهدفت الولايات المتحدة مقرات ...": a past verb of striking (feminine
    # -ت, not a plural -ات noun), its coalition subject right after, then what it struck
    verb = doc.tokens[trig.last].norm
    if not verb.isascii() and verb.endswith("ت") and not verb.endswith("ات") and not _definite(
            doc, doc.tokens[trig.first].start):
        for h in hits:
            if h.entry.role == "agent" and trig.last < h.first <= trig.last + 1 and any(
                    o.entry.role == "struck_target" and h.last < o.first <= h.last + VSO_OBJECT_WINDOW for o in hits):
                return True
    return False


def _announced_decision(doc: Document, clause: Span, hits: list[Hit], trig: Hit) -> bool:
    """True when the movement word is announced now with nothing of a move told: no site, no equipment, no
    place it goes from or to ("أعلن البنتاغون بدء خفض عدد القوات"; not "كانت قد أعلنت", told before)."""
    if not _cue_near(hits, "announce_verb", trig.first, ANNOUNCE_WINDOW):
        return False
    if _cue_near(hits, "past_state", trig.first, ANNOUNCE_WINDOW + 3) or any(h.entry.role == "equipment" for h in hits):
        return False
    mentions = doc.mentions_in(clause)
    if any(is_site(doc, m) or m.place.precision not in COARSE_PRECISIONS for m in mentions):
        return False
    starts = [doc.token_at(m.start) for m in mentions]
    return not any(h.entry.role in ("destination", "origin") and h.first > trig.last
                   and any(0 < i - h.last <= 2 for i in starts) for h in hits)


def _sentence_has(doc: Document, span: Span, roles: tuple[str, ...]) -> bool:
    """True when a cue of one of ``roles`` stands in ``span`` (a sentence or a clause)."""
    t0 = doc.token_at(span.start)
    t1 = doc.token_at(span.end) - 1
    return any(h.entry.role in roles for h in doc.hits_between(t0, t1))


def _cue_near(hits: list[Hit], role: str, first: int, before: int, after: int = 0) -> bool:
    # Only this role's hits that can reach the window, found by bisection: a clause of thousands of hits
    # (one long repeated sentence) made every trigger scan all of them (quadratic).
    firsts, of_role, span = _by_role(hits).get(role, _NO_ROLE)
    lo = bisect_left(firsts, first - before - span)
    hi = bisect_right(firsts, first + after)
    return any(first - before <= h.last and h.first != first for h in of_role[lo:hi])


_NO_ROLE: tuple[list[int], list[Hit], int] = ([], [], 0)
# The clause last asked about (its hits list, held so its id cannot be reused) and its hits by role:
# (first tokens, hits, longest span), each in the clause's order (by first token).
_last_clause: tuple[list[Hit], dict[str, tuple[list[int], list[Hit], int]]] = ([], {})


def _by_role(hits: list[Hit]) -> dict[str, tuple[list[int], list[Hit], int]]:
    global _last_clause
    last = _last_clause  # one read: another thread may replace it meanwhile
    if last[0] is hits:
        return last[1]
    grouped: dict[str, list[Hit]] = {}
    for h in hits:
        grouped.setdefault(h.entry.role, []).append(h)
    index = {r: ([h.first for h in hs], hs, max(h.last - h.first for h in hs)) for r, hs in grouped.items()}
    _last_clause = (hits, index)
    return index


def _first(h: Hit) -> int:
    return h.first


def _pick_date(doc: Document, clause: Span, sent: Span, anchor: int, etype: str,
               planned: bool = False) -> DateSpan | None:
    def said_on(d: DateSpan) -> bool:
        # "قالت المتحدثة، اليوم الاثنين، إن ...", "said Monday that ...": when it was said, not done
        # ("وذكرت أن القوات تعرضت السبت الماضي": after "أن"/"that" the date is the reported event's)
        i = doc.token_at(d.start)
        before = doc.hits_between(max(0, i - SPEECH_WINDOW), i)
        speech = [h.last for h in before if h.entry.role == "speech"]
        # (after the event too when the verb is right before it: "..., the Pentagon said Tuesday.")
        return bool(speech) and (d.start < anchor or max(speech) >= i - 2) and not any(
            doc.tokens[j].norm in _THAT for j in range(max(speech) + 1, i))

    def key(d: DateSpan) -> tuple[bool, bool, int, int]:
        # a future verb ("will end", "سينتهي") takes the deadline over the day it was announced; the
        # event's own date wins over the day a statement about it was made
        return (planned and d.status != "planned", etype not in {"announcement", "agreement"} and said_on(d),
                DATE_RANK.get(d.precision, 4), abs(d.start - anchor))

    def usable(d: DateSpan) -> bool:
        # "منذ 2014" says since when a state holds; "قبل عام 2003" is before the event, not its date;
        # "بعد يوم من ..." counts from another event.
        if d.since and etype not in _PROCESS_TYPES:
            return False
        if etype in {"agreement", "announcement"} and d.status == "planned" and not planned:
            return False  # "الاتفاق على إنهاء مهمة التحالف بحلول أيلول 2025": the content's date, not the deal's
        i, j = doc.token_at(d.start), doc.token_at(d.end)
        # ("قبل أسبوعين", two weeks ago: the word opens a relative date of its own, it bounds nothing; "قبل
        # يومين من الهجوم" counts from another event)
        opens = doc.has_role(i, "date_before") and (d.kind != "relative" or doc.has_role(j, "date_of"))
        if d.status == "occurred" and (opens or (i and doc.has_role(i - 1, "date_before"))):
            return False
        return not (doc.has_role(i, "date_after") and doc.has_role(j, "date_of"))

    in_clause = [d for d in doc.dates_in(clause) if usable(d)
                 and abs(d.start - anchor) <= DATE_MAX_CHARS]
    if in_clause:
        best = min(in_clause, key=key)
        if etype in STRIKE_TYPES and said_on(best) and _definite(doc, anchor):
            # "قالت المتحدثة، اليوم الاثنين، إن الهجوم الذي تعرضت له القاعدة ...": "the attack" refers to
            # one told with its own date; the statement's day is not it
            return None
        return best
    # The report date of a sentence comes before its clauses ("وقال X، الأحد، إن ..."); a date after
    # this clause belongs to another clause's event.
    in_sent = [d for d in doc.dates_in(sent) if usable(d) and d.start < clause.start
               and d.precision == "day" and d.status == "occurred"]
    return min(in_sent, key=key) if in_sent else None


def _venue(doc: Document, clause: Span, place: Place) -> bool:
    """The clause says the event took place at ``place``, a town or site ("في البيت الأبيض", "in Washington")."""
    if place.precision in COARSE_PRECISIONS:
        return False
    for m in doc.mentions_in(clause):
        if m.place.id == place.id:
            i = doc.token_at(m.start)
            if any(h.entry.role == "locative" and i - 2 <= h.last < i for h in doc.hits_between(max(0, i - 4), i - 1)):
                return True
    return False


def _named_as_site(doc: Document, clause: Span, place: Place) -> bool:
    """The clause names ``place`` as a site (a base word in or right by its mention, or a site that is no town),
    or does not name it at all (it is the story's base, found from a description)."""
    mentions = [m for m in doc.mentions_in(clause) if m.place.id == place.id]
    if not mentions:
        return True
    for m in mentions:
        i, j = doc.token_at(m.start), doc.token_at(m.end)
        around = doc.hits_between(max(0, i - 3), j)
        if any(h.entry.role == "locator" for h in around):
            continue  # "ضربة جوية قرب قاعدة عين الأسد": the base only says where the strike hit
        if any(h.entry.role in ("base_word", "anaphor") for h in around if h.first >= i - 2):
            return True
        if not place.is_base:
            return True  # the embassy, the Green Zone: no town of that name
    return False


_THAT = frozenset({"ان", "بان", "that"})  # the complementizer that opens what was said


def _definite(doc: Document, pos: int) -> bool:
    """The trigger at ``pos`` is a definite noun ("الهجوم", "the attack"): a reference to an event."""
    i = doc.token_at(pos)
    tok = doc.tokens[i]
    raw = doc.text[tok.start:tok.end]
    return raw.startswith(("ال", "وال")) or (i > 0 and doc.tokens[i - 1].norm == "the")


def _default_date(doc: Document, pos: int) -> tuple[dt.date, dt.date | None, str, str]:
    """The report date, or for an appended older story an honest range that ends at it."""
    if doc.older_from is not None and pos >= doc.older_from:
        return older_item_start(doc.published), doc.published, "range", ""
    return doc.published, None, "day", ""


def _trigger_ok(hits: list[Hit], h: Hit, allowed: frozenset[str]) -> bool:
    """A trigger counts unless a wish/demand precedes it in the clause, a negation or a demonstrative
    ("هذا الهجوم": a reference to an event told elsewhere) stands just before it. ``allowed`` holds the
    conditional roles the clause satisfies: ``trigger_site`` needs a site, ``trigger_object`` an object,
    ``trigger_until`` a deadline ("will remain in Kurdistan until September 2026" is a withdrawal planned for
    then), ``trigger_planned`` a dated plan about the forces ("the coalition's presence ... will end in
    September 2025"), ``trigger_outcome`` what talks reached ("أسفر الاجتماع عن"; talks alone are none)."""
    role = h.entry.role
    if role not in allowed or (role == "trigger_until" and _cue_near(hits, "armed_group", h.first, 0, UNTIL_WINDOW)):
        return False
    return not (
        _cue_near(hits, "irrealis", h.first, IRREALIS_WINDOW)
        or _cue_near(hits, "negation", h.first, NEGATION_WINDOW)
        or _cue_near(hits, "demonstrative", h.first, 1)
    )


def _condition_met(doc: Document, sent: Span, clause: Span, hits: list[Hit], role: str) -> bool:
    """Whether the clause meets what a conditional trigger role asks (see ``_trigger_ok``)."""
    if role in ("trigger_site", "trigger_object"):
        if any(is_site(doc, m) for m in doc.mentions_in(clause)) or antecedent(doc, hits) is not None:
            return True
        # "سلمت ... قاعدة الفوسفات": a base handed over is the object, named or not
        return role == "trigger_object" and (any(h.entry.role == "equipment" for h in hits) or any(
            h.entry.role == "base_word" and any(t.entry.role == "trigger_object" and t.last < h.first for t in hits)
            for h in hits))
    if role == "trigger_until":
        return any(d.kind == "deadline" for d in doc.dates_in(clause))
    if role == "trigger_planned":
        return (any(d.status == "planned" and d.kind != "vague" for d in doc.dates_in(clause))
                and any(h.entry.role == "forces" for h in hits))
    if role == "trigger_outcome":
        return _sentence_has(doc, sent, ("outcome", "agreed"))
    return False


def _events_in_clause(doc: Document, sent: Span, clause: Span, prev_date: DateSpan | None,
                      continuation: bool) -> tuple[list[Event], DateSpan | None]:
    t0 = doc.token_at(clause.start)
    t1 = doc.token_at(clause.end) - 1
    if t1 < t0:
        return [], None
    hits = doc.hits_between(t0, t1)
    roles = {h.entry.role for h in hits if h.entry.role.startswith("trigger")}
    if not roles:
        return [], None  # most clauses hold no trigger word at all
    allowed = frozenset({"trigger", *(role for role in roles - {"trigger"}
                                      if _condition_met(doc, sent, clause, hits, role))})
    tallied = _tallied(doc, hits)
    trig_hits = [h for h in hits
                 if h.entry.role in allowed and h.first not in tallied and _trigger_ok(hits, h, allowed)]
    if not trig_hits:
        return [], None
    trig = max(trig_hits, key=lambda h: (h.entry.priority, -h.first))
    chosen = [trig]
    # "انسحبت من قاعدة K1 وسلّمتها إلى ...": leaving a base and handing it over are two events.
    pair = {"withdrawal": "handover", "handover": "withdrawal"}.get(trig.entry.type)
    second = [h for h in trig_hits if h.entry.type == pair]
    if second:
        chosen.append(max(second, key=lambda h: (h.entry.priority, -h.first)))
    events: list[Event] = []
    date: DateSpan | None = None
    for t in chosen:
        evs, d = _event_for(doc, sent, clause, hits, trig_hits, t, (t0, t1), prev_date, continuation)
        events += evs
        date = date or d
    return events, date


def _event_for(doc: Document, sent: Span, clause: Span, hits: list[Hit], trig_hits: list[Hit], trig: Hit,
               toks: tuple[int, int], prev_date: DateSpan | None,
               continuation: bool) -> tuple[list[Event], DateSpan | None]:
    etype = trig.entry.type
    if etype in MOVEMENT_TYPES and _cue_near(hits, "political", trig.first + 4, 4):
        return [], None  # "انسحاب الكتلة من البرلمان": a political withdrawal
    if etype in MOVEMENT_TYPES | {"handover", "presence"} and doc.others_forces:
        return [], None  # "بدء موسكو في مغادرة قاعدتها في مطار القامشلي": another state's forces move
    if etype in MOVEMENT_TYPES and _cue_near(hits, "medical", trig.first, MEDICAL_WINDOW, MEDICAL_WINDOW):
        return [], None  # "wounded soldiers were evacuated", "نقل الجرحى لتلقي العلاج": a medical move
    if etype in STRIKE_TYPES and (
        any(h.entry.role == "generic" for h in hits)
        or (_cue_near(hits, "not_attack", trig.first, NOT_ATTACK_WINDOW, NOT_ATTACK_WINDOW)
            and not _cue_near(hits, "intercept", trig.first, INTERCEPT_WINDOW, INTERCEPT_WINDOW))
        or (trig.entry.weapon and (_cue_near(hits, "seized", trig.first, SEIZED_WINDOW) or any(
            h.entry.role == "seized" for h in doc.hits_between(doc.token_at(sent.start), trig.first - 1))))
        or _habitual(doc, sent, trig_hits)
    ):
        return [], None  # habits and air defence are not an attack
    if (etype in STRIKE_TYPES and _cue_near(hits, "other_actor", trig.first, ACTOR_WINDOW, ACTOR_WINDOW)
            and not _cue_near(hits, "context", trig.first, ACTOR_WINDOW, ACTOR_WINDOW)
            and not (etype == "attack" and any(is_site(doc, m) and m.place.is_base for m in doc.mentions_in(clause)))):
        return [], None  # "غارات إسرائيلية على دير الزور", "a Turkish drone hit ...": not a coalition strike
    if etype == "attack" and _struck_object(hits, trig, "local_target") and not any(
            h.entry.role == "context" for h in hits):
        return [], None  # "drones hit a Peshmerga base": a local force's base, no foreign forces named
    # "تعرضت قاعدة عين الأسد لهجوم نفذه الحرس الثوري": with a base named, the armed group is who struck
    # ("استهداف آليات تضم قادة في الحشد في التاجي": the group's cars come first, at the base: a strike on them)
    targets = [doc.tokens[h.first].start for h in hits if h.entry.role == "struck_target" and h.first > trig.last]
    base_hit = bool(targets) and any(m.place.is_base and is_site(doc, m) and m.start < targets[0]
                                     for m in doc.mentions_in(clause))
    if etype == "attack" and not base_hit and (_struck_object(hits, trig, "struck_target") or (
            _cue_near(hits, "strike_noun", trig.first, STRUCK_WINDOW, 1)
            and not any(o.entry.role in ("context", "base_word") and o.first > trig.last for o in hits))):
        etype = "airstrike"  # "استهداف آليات تضم قادة في الحشد الشعبي": a strike on an armed group
    if etype == "attack" and _coalition_agent(doc, hits, trig):
        etype = "airstrike"  # "التحالف الدولي أطلق صواريخ على مواقع داعش": the coalition struck
    if etype == "presence" and _cue_near(hits, "past_state", trig.first, PAST_STATE_WINDOW):
        return [], None  # "من قواعد كانت تتمركز بها": where they used to be
    if etype in MOVEMENT_TYPES and _cue_near(hits, "to_iraqi", trig.first, 0, TO_IRAQI_WINDOW):
        etype = "handover"  # "نقلت إلى قوات الأمن العراقية معدات": moved into Iraqi hands
    if (etype in MOVEMENT_TYPES | {"handover"} and _cue_near(hits, "talks", trig.first, TALK_WINDOW)
            and not _cue_near(hits, "agreed", trig.first, AGREED_WINDOW)
            and not _cue_near(hits, "talk", trig.first, TALK_WINDOW)):
        return [], None  # "محادثات بشأن إنهاء وجود التحالف", "talks on a withdrawal": talks, not an agreement
    planned_cue = (_cue_near(hits, "planned", trig.first, PLANNED_BEFORE, PLANNED_AFTER)
                   or _future_verb(doc.tokens[trig.first].norm, trig.entry.words[0]))
    # "a plan to withdraw" is an agreement; "under the plan, forces will leave" is a planned withdrawal
    if (etype in MOVEMENT_TYPES | {"handover"} and not planned_cue
            and (_cue_near(hits, "talk", trig.first, TALK_WINDOW)
                 or _cue_near(hits, "agreed", trig.first, AGREED_WINDOW))):
        etype = "agreement"  # "اتفقت الولايات المتحدة وجمهورية العراق، مساء أمس الجمعة، على إنهاء مهمة التحالف"
    # "أعلنت وزارة الدفاع اعتزامها تقليص عدد قواتها": the announced intention is the event
    if etype in MOVEMENT_TYPES and _cue_near(hits, "intent", trig.first, INTENT_WINDOW):
        etype = "announcement"
    # "أعلن البنتاغون، أمس الجمعة، بدء خفض عدد القوات", "announced a drawdown of US troops in Iraq": a
    # decision or troop cut announced with no site named is the announcement (annotation.md), made that day
    # ("أعلنت قيادة العمليات انسحاب القوات من قاعدة K1" tells a withdrawal from a site, and "أعلن التحالف سحب
    # 580 جندي من العراق باتجاه سوريا" or "إجلاء 277 شحنة معدات" a move: where from, where to, what went)
    if etype in MOVEMENT_TYPES and _announced_decision(doc, clause, hits, trig):
        etype, planned_cue = "announcement", False
    anchor = doc.tokens[trig.first].start
    date = _pick_date(doc, clause, sent, anchor, etype, planned_cue)
    counted = _counted_back(doc, clause, trig)
    if counted is not None:
        date = counted
    if (date is not None and date not in doc.dates_in(clause)
            and any(h.entry.role == "background" and h.last < trig.first for h in hits)):
        date = None  # "... أمس الأحد ردا على هجمات على القوات الأمريكية": the occasion has no date of its own
    if date is not None and any(h.entry.role == "background" and h.entry.type in {"day", "hours"}
                                and doc.tokens[h.first].start <= date.start < doc.tokens[h.last].end for h in hits):
        date = None  # "بعد يوم واحد من استهداف" ("a day after"): its words count from the occasion, not the report
    if date is None and continuation and prev_date is not None and prev_date.precision == "day":
        date = prev_date  # "وقال ... الأحد" then "وأضاف ...": the same statement, the same day
    if date is not None and date.kind == "vague" and date.status == "planned":
        return [], None  # "within the next few days", "في الأشهر المقبلة": a future with no date
    if date is not None:
        status = "planned" if (date.status == "planned" or date.date > doc.published) else "occurred"
        d0, d1, prec, dtext = date.date, date.end_date, date.precision, date.text
    else:
        if planned_cue:
            return [], None  # "سوف ينسحبون": a future with no date is too vague to map
        if etype in STRIKE_TYPES and any(d.since for d in doc.dates_in(clause)):
            return [], None  # "استُهدفت القواعد منذ 19 أكتوبر": a campaign counted since a date, not one attack
        status = "occurred"
        d0, d1, prec, dtext = _default_date(doc, anchor)
        background = [h for h in hits if (h.entry.role == "background" and h.last < trig.first)
                      or (h.entry.role == "background_after"
                          and trig.last < h.first <= trig.last + BACKGROUND_AFTER_WINDOW)]
        if background and not any(h.entry.role == "anniversary" for h in hits):
            # The occasion of another event ("ردا على استهداف ...", "days after a rocket attack"): undated,
            # it is not the report day's event. "Hours before" allows the honest two-day range.
            kinds = {h.entry.type for h in background}
            if not kinds & {"hours", "day"} or prec != "day":
                return [], None
            back = 1 if "hours" in kinds else 2  # hours before: today or yesterday; a day before: one more
            d0, d1, prec = d0 - dt.timedelta(days=back), d0 - dt.timedelta(days=back - 1), "range"
    anniversary = next((h for h in hits if h.entry.role == "anniversary" and h.last < trig.first), None)
    if anniversary is not None and prec == "day" and abs((d0 - doc.published).days) <= ANNIVERSARY_DAYS:
        # "في الذكرى الثانية لاغتيال سليماني": that many years before the report, give or take a few days
        years = int(anniversary.entry.type)
        day = d0.replace(year=d0.year - years, day=min(d0.day, 28) if d0.month == 2 else d0.day)
        d0, d1, prec, status = day - dt.timedelta(days=ANNIVERSARY_DAYS), day, "range", "occurred"
    if etype == "agreement" and _cue_near(hits, "armed_group", trig.first, ARMED_AGREEMENT_WINDOW):
        return [], None  # "توعدت فصائل عراقية مسلحة، في بيان مشترك": armed groups agree with no government
    if etype in {"agreement", "announcement"} and _earlier_agreement(hits):
        return [], None  # "ضمن اتفاق سابق بين بغداد وواشنطن", "a previous agreement": told as background
    if etype in {"agreement", "announcement"} and not _sentence_has(doc, sent, ("forces",)):
        return [], None  # talks and statements about something else than the foreign forces
    places, destination = event_places(doc, clause, etype, trig, toks)
    if (etype in {"agreement", "announcement"} and all((p.country or "") not in STRIKE_COUNTRIES for p in places)
            and not any(_venue(doc, clause, p) for p in places)):
        # "The US commander in the Middle East announced a drawdown of US troops in Iraq", "اتفق العراق مع
        # الولايات المتحدة": a decision about the forces is placed in the country they are in, not with who made
        # it (a venue the text gives stays: "لقاء ... في البيت الأبيض")
        hosts = [m.place for m in doc.mentions_in(clause) if m.place.kind == "country"
                 and m.place.country in STRIKE_COUNTRIES]
        if not hosts and doc.main_country is not None and doc.main_country.country in STRIKE_COUNTRIES:
            hosts = [doc.main_country]
        if hosts:
            places = hosts[:1]
        elif places and all(p.country for p in places):
            return [], None  # "وفقًا للاتفاقية" in a story of US troops leaving Niger: not about these forces
    if (not places or places == [doc.main_country]) and doc.tokens[toks[0]].norm in _RELATIVES:
        # "a military base in northern Iraq that had come under rocket attack": the noun the clause qualifies
        site = _qualified_site(doc, Span(sent.start, clause.start))
        if site is not None:
            places = [site]
    if (etype in STRIKE_TYPES and places == [doc.main_country]
            and all(m.place != doc.main_country for m in doc.mentions_in(clause))
            and not _sentence_has(doc, clause, ("context",))):
        return [], None  # "تبادل القصف مع فصائل لبنانية": no place and no foreign forces named, not this map's
    if (etype == "attack"
            and not _sentence_has(doc, Span(max(0, sent.start - ATTACK_CONTEXT_CHARS), sent.end),
                                  ("context", "base_word", "anaphor"))
            and not any(coalition_place(p) for p in places)):
        # "two attacks south of the capital killed three servicemen": no foreign force or base hit, in this
        # line or the one before ("A similar explosion took place earlier today on Nasiriya-Baghdad road")
        return [], None
    if etype in STRIKE_TYPES:
        # strikes elsewhere (Yemen, Israel) are not this map's; a place with no country (a region) stays
        places = [p for p in places if not p.country or p.country in STRIKE_COUNTRIES]
        if not places:
            return [], None
    if etype in MOVEMENT_TYPES | {"handover", "presence"} and places and all(
            p.country and p.country not in STRIKE_COUNTRIES for p in places):
        # "US troops completed their withdrawal from Niger", "وقعت نيامي وواشنطن اتفاقا ... الانسحاب": forces
        # leaving or holding a place outside Iraq, Syria, Jordan and Kuwait are not this map's (the US named
        # with them is who they are, not where)
        return [], None
    if etype == "airstrike":
        # the coalition strikes others: its own base or embassy named with the strike is where it was
        # launched from or what it answers ("US airstrikes against the PMF ... a coalition base"), not the target
        # (an airport is no such place: the strike that killed Soleimani hit the road by Baghdad airport; nor a
        # base's name told as its town, "غارة قرب التاجي", with no base word by it)
        own = [p for p in places if p.kind != "airport" and coalition_place(p) and _named_as_site(doc, clause, p)]
        # (with nothing else named, the strike was somewhere in that base's country: "retaliatory airstrikes in
        # Syria" told in a story about Conoco)
        country = doc.main_country
        fallback = [country] if country is not None and own and all(p.country == country.country for p in own) else []
        places = [p for p in places if p not in own] or (fallback if own else places)
        if not places:
            return [], None
    if etype == "handover" and places and all(p.country and p.country not in HANDOVER_COUNTRIES for p in places):
        etype = "withdrawal"  # "الجيش السوري يتسلم قاعدة الشدادي": the coalition left it; Iraq received nothing
    if etype == "presence" and not places:
        rest = Span(clause.start, sent.end)
        places, _ = event_places(doc, rest, etype, trig, (toks[0], doc.token_at(sent.end) - 1))
    if etype == "presence" and not places:
        return [], date
    counts = find_counts(doc.tokens, *toks, skip=doc.date_tokens)
    if etype not in {"presence", "withdrawal", "redeployment"}:
        counts.pop("troops", None)  # "مقتل أربعة عناصر" counts the dead, not the force
    if len(places) > 1:
        counts = {}  # "2500 soldiers across three bases" is not 2500 at each
    weapon = None
    if etype in STRIKE_TYPES:
        weapon = next((h.entry.weapon for h in sorted(trig_hits, key=lambda h: -h.entry.priority)
                       if h.entry.weapon and h.entry.type == trig.entry.type), None)
    q = clause if clause.end - clause.start >= 25 else sent
    quote = doc.text[q.start : q.end]
    events = [
        Event(
            type=etype,
            date=d0,
            end_date=d1,
            date_precision=prec,
            status=status,
            quote=quote,
            start=q.start,
            end=q.end,
            source=doc.source,
            published=doc.published,
            place=p,
            destination=destination,
            weapon=weapon,
            trigger=doc.text[doc.tokens[trig.first].start : doc.tokens[trig.last].end],
            date_text=dtext,
            rockets=counts.get("rockets"),
            killed=counts.get("killed"),
            wounded=counts.get("wounded"),
            troops=counts.get("troops"),
            vehicles=counts.get("vehicles"),
            shipments=counts.get("shipments"),
        )
        for p in (places or [None])  # type: ignore[list-item]
    ]
    return events, date


STORY_CHARS = 800  # how far back a plain "القصف" / "the shelling" continues the strike story told before


def _strike_story(doc: Document, events: list[Event]) -> list[Event]:
    """"غارات جوية أمريكية على الميادين ... واستهدف القصف منطقة البطين في البوكمال": a plain attack word
    (no weapon named) right after an airstrike, on a place that is no foreign base and with no foreign
    force as its object ("بعد هجمات على قوات التحالف"), goes on telling the airstrikes."""
    def hits_coalition(e: Event) -> bool:
        at = doc.text.find(e.trigger, e.start, e.end)
        t0, t1 = doc.token_at(at if at >= 0 else e.start), doc.token_at(e.end) - 1
        # a foreign force named after the word is its object; a base word is not ("معسكراً بإدارة إيران")
        return any(h.entry.role == "context" for h in doc.hits_between(t0 + 1, t1))

    out: list[Event] = []
    last: Event | None = None
    for e in sorted(events, key=lambda e: e.start):
        if (e.type == "attack" and e.weapon is None and last is not None and last.type == "airstrike"
                and e.start - last.end <= STORY_CHARS and (e.place is None or not e.place.is_base)
                and not hits_coalition(e)):
            e = dataclasses.replace(e, type="airstrike")
        if e.type in STRIKE_TYPES:
            last = e
        out.append(e)
    return out


def _story_dates(events: list[Event]) -> list[Event]:
    """"... وشملت الغارات أيضاً مواقع في البوكمال": a strike told with no date of its own, right after a
    dated one of its type at another place (after merging, so a mere mention has already joined its event),
    happened on the story's day."""
    out: list[Event] = []
    last: Event | None = None
    for e in events:
        # (a range with no date words is a background's honest range, "بعد يوم على هجوم": not undated)
        if (e.type in STRIKE_TYPES and not e.date_text and e.date_precision == "day" and last is not None
                and last.type == e.type
                and last.date_text and 0 <= e.start - last.end <= STORY_CHARS):
            e = dataclasses.replace(e, date=last.date, end_date=last.end_date, date_precision=last.date_precision,
                                    date_text=last.date_text, status=last.status)
        if e.type in STRIKE_TYPES:
            last = e
        out.append(e)
    return out


_ONLY = frozenset({"فقط", "only", "just"})


def _counted_back(doc: Document, clause: Span, trig: Hit) -> DateSpan | None:
    """"يأتي القصف بعد يومين فقط من استهداف معمل كونيكو", "two days after rockets hit ...": the event after
    "من"/"of" was that long before the one the story tells (its day: the report's, counted back)."""
    i = trig.first
    j = i - 1
    while j >= 0 and doc.tokens[j].norm in ("ال",):
        j -= 1
    if j < 1 or not doc.has_role(j, "date_of"):
        return None
    k = j - 1
    if doc.tokens[k].norm in _ONLY:
        k -= 1
    end = doc.tokens[k].end
    for d in doc.dates_in(clause):
        if d.end == end and d.kind == "relative" and d.date > doc.published:
            back = d.date - doc.published
            first = doc.published - back - ((d.end_date or d.date) - d.date)
            return dataclasses.replace(d, date=first, end_date=(doc.published - back) if d.end_date else None,
                                       status="occurred")
    return None


DETAIL_CHARS = 300  # how far after an undated strike a placeless line with its day may still tell it


def _dated_detail(doc: Document, sent: Span, clause: Span, last: Event) -> Event:
    """"دوي انفجار كبير في مطار حرير" then "في تمام الساعة 10:40 من مساء الأحد، سمع دوي انفجار": a clause
    that names no place and yields no event of its own, but tells a strike word of the same type with its
    day, right after an undated strike at a place, dates that strike."""
    if (last.type not in STRIKE_TYPES or last.date_text or last.place is None or last.status != "occurred"
            or not 0 <= clause.start - last.end <= DETAIL_CHARS or doc.mentions_in(clause)):
        return last
    t0, t1 = doc.token_at(clause.start), doc.token_at(clause.end) - 1
    if t1 < t0:
        return last
    hits = doc.hits_between(t0, t1)
    trig = [h for h in hits if h.entry.role == "trigger" and h.entry.type == last.type
            and _trigger_ok(hits, h, frozenset({"trigger"}))]
    if not trig or any(h.entry.role in ("background", "background_after", "generic") for h in hits):
        return last
    days = [d for d in doc.dates_in(clause) if d.precision == "day" and d.status == "occurred"
            and d.kind != "vague" and not d.since and d.date <= doc.published]
    if len(days) != 1 or (doc.published - days[0].date).days > 7:
        return last
    d = days[0]
    return dataclasses.replace(last, date=d.date, end_date=d.end_date, date_precision=d.precision,
                               date_text=d.text, quotes=tuple(dict.fromkeys(
                                   (*last.all_quotes, doc.text[clause.start:clause.end]))))


_RELATIVES = frozenset({"that", "which", "where"})  # clause openers that qualify the noun before them


def _qualified_site(doc: Document, before: Span) -> Place | None:
    """The site named or described last before a relative clause, in the same sentence."""
    sites = [m.place for m in doc.mentions_in(before) if is_site(doc, m)]
    if sites:
        return sites[-1]
    hits = doc.hits_between(doc.token_at(before.start), doc.token_at(before.end) - 1)
    return antecedent(doc, hits) or described_site(doc, hits) if hits else None


def _check(text: object, published: object) -> dt.date:
    if not isinstance(text, str):
        raise InputError(f"extract_events needs text as str, got {type(text).__name__}; decode the file first")
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, dt.date):
        return published
    if isinstance(published, str):
        try:
            return dt.date.fromisoformat(published)
        except ValueError:
            pass
    raise InputError(f"published must be a date (YYYY-MM-DD), got {published!r}")


def extract_events(text: str, published: dt.date, source: str = "",
                   min_confidence: float | None = None) -> list[Event]:
    """Dated, located, typed events of one article, each with the quote that supports it.

    Parameters
    ----------
    text : the article (Arabic or English), as written.
    published : its publication date; weekdays and "أمس/الماضي" are resolved against it.
    source : a label carried into every event (outlet and date, URL, file name...).
    min_confidence : events less certain than this are left out; None takes ``settings.MIN_CONFIDENCE``,
        0 keeps every candidate.

    Events that end before ``settings.EARLIEST_EVENT`` (2019-01-01: the wars before the drawdown) are out of
    the map's scope whatever their confidence.
    """
    pub = _check(text, published)
    if not text.strip():
        return []
    doc = read_document(text, pub, source)
    if doc is None:
        log.debug("%s: no foreign forces or bases named; no events", source or "article")
        return []
    tokens = doc.tokens
    events: list[Event] = []
    prev_date: DateSpan | None = None
    for sent in sentences(text):
        first_tok = doc.token_at(sent.start)
        continuation = first_tok < len(tokens) and any(
            h.entry.role == "continuation" for h in doc.hits_between(first_tok, first_tok)
        )
        sent_date: DateSpan | None = None
        for clause in clauses(sent, _clause_breaks(doc, sent)):
            evs, d = _events_in_clause(doc, sent, clause, prev_date, continuation)
            if not evs and events:
                events[-1] = _dated_detail(doc, sent, clause, events[-1])
            events.extend(evs)
            sent_date = sent_date or d
        sent_dates = [d for d in doc.dates_in(sent) if d.precision == "day"]
        prev_date = sent_date or (sent_dates[0] if sent_dates else (prev_date if continuation else None))
    merged = _story_dates(merge_within_article(_strike_story(doc, events), doc.older_from))
    floor = MIN_CONFIDENCE if min_confidence is None else min_confidence
    scored = [dataclasses.replace(e, confidence=report_confidence(e)) for e in merged]
    return [e for e in scored if (e.confidence or 0.0) >= floor and e.span[1] >= EARLIEST_EVENT]
