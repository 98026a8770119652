"""Statements about a group: generalisation patterns and stereotypes, one calibrated score.

Each sentence is read for who it is about (:mod:`referents`), whether a sweeping
pattern matches (:mod:`generalisations`) and how stereotype-like its words are (the
screen). The lexical stack turns those into a probability in microseconds; the
sentences most likely to be stereotypes (past the model's gate) are then embedded, at
most ``max_embedded`` of them, and scored by the full stack. Both stacks are calibrated
on tuning data (``data/calibration.json``), so a finding's score is the probability
that the sentence really is a stereotype or a sweeping claim about a group, and its
decision comes from the thresholds chosen for that calibrator (block only where
precision was >= 0.98 on the tuning rows).

A sentence about particular people ("The doctor said he would call back") scores low
because the stack learnt from WinoBias and word problems that occupations and gendered
pronouns are not groups; a generic statement about a group ("Gay people shouldn't be
allowed to ...") scores high because the stack weighs the generic group subject and
the pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

from guards.analyzers.base import Finding
from guards.analyzers.biasguard import context as frames
from guards.analyzers.biasguard import stereotypes
from guards.analyzers.biasguard.calibrators import get_calibrator
from guards.analyzers.biasguard.generalisations import Generalisation
from guards.analyzers.biasguard.groups import Groups
from guards.analyzers.biasguard.referents import Referents, referents
from guards.analyzers.biasguard.scoring import severity_for
from guards.analyzers.biasguard.text import Span, masked_excerpt

MIN_WORDS = 4
FULL = "stereotype"  # calibrator names in data/calibration.json
UNANCHORED = "stereotype_unanchored"  # no group or identity word: a pronoun or a name is not a group
PERSON = "stereotype_person"  # a particular person whose only gender cue is their pronoun
LEXICAL = "stereotype_lexical"


@dataclass(slots=True)
class Candidate:
    sentence: Span
    claims: list[Generalisation]
    who: Referents
    structure: list[float]
    lexical: float  # the lexical stack's raw probability
    anchor: int  # where the claim starts: its group word, else after any framing words


def scan(text: str, split: list[Span], claims: dict[int, list[Generalisation]], quotes: list[tuple[int, int]],
         groups: Groups, *, masked: list[tuple[int, int]], max_embedded: int, threshold: float,
         exercise: bool = False) -> tuple[list[Finding], int]:
    """Findings for stereotype and generalisation sentences, and how many sentences were embedded.

    ``threshold`` is the calibrated probability from which a sentence is reported
    (0 = each calibrator's own flag threshold); spans in ``masked`` (slurs) are redacted
    in the evidence. In a quantitative exercise (``exercise``, see ``context.is_exercise``)
    sentences about particular people are its characters and are discounted.
    """
    model = stereotypes.get_model()
    candidates = []
    for index, sentence in enumerate(split):
        found = claims.get(index, [])
        if not found and len(sentence.value.split()) < MIN_WORDS:
            continue
        who = referents(groups, sentence.value)
        structure = stereotypes.structure(who, max((c.strength for c in found), default=0.0), sentence.value)
        lexical = model.lexical(sentence.value, structure)
        if lexical < model.gate and not found:
            continue  # does not read like a stereotype at all: not worth 5-10 ms of embedding
        anchor = (sentence.start + who.anchor.start if who.anchor
                  else frames.claim_start(text, sentence.start, sentence.end))
        candidates.append(Candidate(sentence, found, who, structure, lexical, anchor))
    candidates.sort(key=lambda c: c.lexical, reverse=True)
    embedded, rest = candidates[:max_embedded], candidates[max_embedded:]
    scored = model.score([c.sentence.value for c in embedded], [c.structure for c in embedded],
                         [c.anchor - c.sentence.start for c in embedded])
    findings: list[Finding] = []
    for candidate, result in zip(embedded, scored, strict=True):
        name = _calibrator_for(candidate.who)
        findings += _findings(text, candidate, name, result.probability, result.category, quotes, threshold,
                              masked, exercise)
    for candidate in rest:
        if not candidate.who.anchor:
            continue  # without its embedding an unanchored sentence cannot reach the flag threshold
        findings += _findings(text, candidate, LEXICAL, candidate.lexical, "", quotes, threshold, masked, exercise)
    return findings, len(embedded)


def _calibrator_for(who: Referents) -> str:
    if who.anchor:
        return FULL
    return PERSON if who.specific and who.gendered_pronoun else UNANCHORED


def _findings(text: str, candidate: Candidate, calibrator_name: str, raw: float, nearest: str,
              quotes: list[tuple[int, int]], threshold: float, masked: list[tuple[int, int]],
              exercise: bool = False) -> list[Finding]:
    calibrator = get_calibrator(calibrator_name)
    probability = calibrator(raw)
    if probability < (threshold or calibrator.flag_at) and not candidate.claims:
        return []  # a sweeping pattern is always shown (its score says how sure); a bare sentence is not
    sentence, who = candidate.sentence, candidate.who
    group = who.generic or who.anchor
    # With no group word, a gendered pronoun is the only cue to who is stereotyped (the
    # nearest centroid would call a doctor "disability").
    category = group.category if group and group.category else ("gender" if who.gendered_pronoun else nearest)
    if nearest in who.categories and not who.generic:
        category = nearest  # "my grandmother ... so old": of the groups named, the one the meaning is about
    if not category:
        return []  # too unsure to name a group: the lexical stack alone cannot say which
    detail = {"detector": "stereotypes", "calibrator": calibrator_name, "probability": round(probability, 4),
              "about": "group" if who.about_group else ("identity" if who.anchor else "unspecified")}
    if candidate.claims:
        out = []
        for claim in candidate.claims:
            score = probability * claim.frame.factor
            out.append(Finding(
                type="generalisation", category=claim.category, severity=severity_for(score), score=score,
                start=claim.start, end=claim.end, evidence=masked_excerpt(text, claim.start, claim.end, masked),
                message=frame_message(f"Sweeping claim about {claim.group.lower()} as a group", claim.frame),
                detail={**detail, "pattern": claim.reason, "group": claim.group, "context": claim.frame.kind,
                        "context_cue": claim.frame.cue,
                        "alternative": "Describe the specific people or evidence instead of the whole group."},
            ))
        return out
    frame = frames.frame_of(text, candidate.anchor, sentence.end, sentence_start=sentence.start,
                            sentence_end=sentence.end, quotes=quotes)
    if frame.kind == frames.ASSERTED and exercise and not who.generic:
        # A character in a word problem ("Nate lost his car ... How many ...?"), not a group.
        frame = frames.Frame(frames.EXERCISE, "quantitative exercise")
    elif frame.kind == frames.ASSERTED and who.scene:
        frame = frames.Frame(frames.SCENE, "two particular people named by role")
    score = probability * frame.factor
    return [Finding(
        type="stereotype", category=category, severity=severity_for(score), score=score,
        start=sentence.start, end=sentence.end, evidence=masked_excerpt(text, sentence.start, sentence.end, masked),
        message=frame_message("Reads like a stereotype about a group", frame),
        detail={**detail, "context": frame.kind, "context_cue": frame.cue, "nearest_category": nearest},
    )]


def frame_message(base: str, frame: frames.Frame) -> str:
    if frame.kind == frames.NEGATED:
        return f"{base}, but the sentence rejects it (\u201c{frame.cue.strip()}\u201d); scored low."
    if frame.kind == frames.QUOTED:
        return f"{base}, quoted rather than asserted; scored lower."
    if frame.kind == frames.EXERCISE:
        return f"{base}, but it is a character in a quantitative exercise; scored lower."
    if frame.kind == frames.SCENE:
        return f"{base}, but it is about two particular people named by their roles; scored lower."
    if frame.kind == frames.HISTORY:
        return f"{base}, but it reports a dated event done to the group (\u201c{frame.cue.strip()}\u201d); scored lower."
    if frame.kind == frames.QUESTIONED:
        return f"{base}, but the writer asks whether it is true (\u201c{frame.cue.strip()}\u201d); scored lower."
    if frame.kind == frames.REPORTED:
        return f"{base}, attributed to someone else (\u201c{frame.cue.strip()}\u201d); scored lower."
    return f"{base}."
