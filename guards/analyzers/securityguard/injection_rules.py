"""Hand-written rules for the known prompt-injection and jailbreak families.

The rules read lower-cased, de-obfuscated views (see :mod:`.obfuscation`), so one
pattern covers the plain, homoglyph, leetspeak, spaced-out and encoded forms. Each
family's hit is one input of the calibrated combiner in :mod:`.injection`; a rule
alone does not decide, so the patterns favour recall over precision on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guards.analyzers.securityguard.needles import Needles, shared_pairs
from guards.analyzers.securityguard.obfuscation import View


@dataclass(frozen=True, slots=True)
class Rule:
    family: str
    name: str
    pattern: re.Pattern[str]
    hints: tuple[str, ...] = ()  # one of these substrings must occur, or the regex is skipped


@dataclass(frozen=True, slots=True)
class RuleHit:
    family: str
    name: str
    view: str
    start: int  # offsets into the original text
    end: int
    matched: str  # the de-obfuscated text that matched
    view_span: tuple[int, int] = (0, 0)  # offsets into the view's own text (steering checks read around it)


FAMILIES = (
    "instruction_override",
    "persona_jailbreak",
    "system_prompt_extraction",
    "delimiter_injection",
    "encoding_trick",
    "payload_splitting",
    "hidden_instruction",
)
# Set by the injection scorer (not a regex here): an order hidden in markup or invisible text.
HIDDEN_FAMILY = "hidden_instruction"

_IGNORE = r"(?:ignore|disregard|forget|skip|override|overwrite|bypass|neglect|abandon|drop|erase|delete)"
_ALL = r"(?:(?:all|any|every|each|the|your|my|of|these|those|its|that|this)\s+){0,3}"
_PRIOR = r"(?:(?:previous|prior|above|earlier|preceding|former|initial|original|old|past|given|existing|system|developer|safety|default)\s+){0,2}"
_ORDERS = r"(?:instruction|prompt|rule|direction|guideline|guidance|context|command|order|restriction|programming|directive|polic(?:y|ies)|constraint|task|assignment|setting|filter|guardrail|message|training)s?"


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


RULES: tuple[Rule, ...] = (
    # --- instruction override -----------------------------------------------------------
    Rule("instruction_override", "ignore_previous",
         _r(rf"\b{_IGNORE}\s+{_ALL}{_PRIOR}{_ORDERS}\b"), ("ignor", "disregard", "forget", "skip", "overr", "overwrite", "bypass", "neglect", "abandon", "drop", "erase", "delete")),
    Rule("instruction_override", "forget_everything",
         _r(r"\b(?:forget|ignore|disregard)\s+(?:about\s+)?(?:everything|all(?:\s+that)?|what)\s+(?:you\s+(?:were|have been)\s+told|(?:i|we)\s+(?:said|told you)|above|before|previously|so far|until now)\b"), ("forget", "ignore", "disregard")),
    Rule("instruction_override", "new_instructions",
         _r(r"(?:^|[\n.:!])\s*(?:new|updated|real|actual|true)\s+(?:instructions?|task|rules|orders)\s*[:\-]"), ("instruction", "task", "rules", "orders")),
    Rule("instruction_override", "from_now_on",
         _r(r"\bfrom\s+now\s+on,?\s+(?:you\s+(?:are|will|must|shall)|ignore|respond|answer|act)\b"), ("from now on",)),
    Rule("instruction_override", "german_override",
         _r(r"\b(?:ignoriere|ignorieren\s+sie|vergiss|vergessen\s+sie|missachte)\s+(?:\w+\s+){0,4}(?:anweisungen|befehle|regeln|vorgaben|instruktionen|aufgaben|alles)\b"), ("ignorier", "vergiss", "vergessen", "missachte")),
    Rule("instruction_override", "now_you_are",
         _r(r"\b(?:now|jetzt|nun)\s+(?:you\s+are|bist\s+du|du\s+bist)\s+(?:\w+\s+){0,3}(?:and|und)\s+(?:you|du)\b"), ("now", "jetzt", "nun")),
    # --- persona / role-play jailbreaks ---------------------------------------------------
    Rule("persona_jailbreak", "dan",
         _r(r"\b(?:do\s+anything\s+now|dan\s+mode|(?:act|acting|pretend|be)\s+(?:as\s+)?(?:a\s+)?dan\b|you\s+are\s+(?:now\s+)?dan\b|anti-?dan|stan\s+mode|dude\s+mode)"), ("dan", "do anything", "stan", "dude")),
    Rule("persona_jailbreak", "developer_mode",
         _r(r"\b(?:developer|dev|god|jailbreak|jailbroken|unrestricted|unfiltered|evil|chaos|opposite|debug)\s+mode\b"), (" mode",)),
    Rule("persona_jailbreak", "no_restrictions",
         _r(r"\b(?:without|free\s+(?:of|from)|no|not\s+(?:bound|restricted|limited)\s+by|broken\s+free\s+of|freed\s+from|ignores?)\s+(?:any\s+|all\s+|the\s+)?(?:\w+\s+){0,2}(?:restrictions|censorship|filters?|filtering|limitations|guidelines|content\s+polic(?:y|ies)|ethic(?:s|al\s+(?:guidelines|boundaries|constraints|principles))|moral(?:s|ity|\s+(?:guidelines|constraints|principles))|rules\s+(?:set|imposed))\b"), ("restriction", "censor", "filter", "limitation", "guideline", "polic", "ethic", "moral", "rules")),
    Rule("persona_jailbreak", "never_refuse",
         _r(r"\b(?:never|not|won't|will\s+not|cannot|can't|must\s+not|doesn't|don't)\s+(?:ever\s+)?(?:refuse|decline|deny)\s+(?:a|any|to|my|the)\b|\bno\s+matter\s+how\s+(?:immoral|unethical|illegal|dangerous|offensive|harmful)"), ("refuse", "decline", "deny", "no matter how")),
    Rule("persona_jailbreak", "openai_policy",
         _r(r"\b(?:openai|anthropic|content)(?:'s)?\s+(?:content\s+)?(?:polic(?:y|ies)|guidelines|rules)\b.{0,80}\b(?:ignore|bypass|not\s+(?:apply|follow|bound)|doesn't\s+(?:apply|matter)|break|violate)|\b(?:ignore|bypass|break|violate|not\s+bound\s+by)\b.{0,40}\b(?:openai|anthropic)(?:'s)?\s+(?:content\s+)?(?:polic|guidelines|rules)"), ("openai", "anthropic", "content")),
    Rule("persona_jailbreak", "stay_in_character",
         _r(r"\b(?:stay|remain|staying)\s+in\s+character\b|\bbreak(?:ing)?\s+character\b|\bcharacter\s+(?:break|reminder)"), ("character",)),
    Rule("persona_jailbreak", "jailbreak_word",
         _r(r"\bjail\s?broken\b|(?:\U0001f513|\[|/)\s*jail\s?break\b|\bjail\s?break\s*(?:\]|:|mode|bot|chat|enabled|prompt)|\b(?:aim|niccolo|machiavelli)\b.{0,60}\b(?:unfiltered|amoral)\b|\bamoral\b|\bunfiltered\s+(?:and|ai|chatbot|response)"), ("jail", "amoral", "unfiltered")),
    Rule("persona_jailbreak", "two_responses",
         _r(r"\b(?:two|2|both)\s+(?:different\s+)?(?:responses|answers|paragraphs|outputs)\b.{0,160}\b(?:normal|classic|filtered|gpt|chatgpt)\b.{0,160}\b(?:jailbr|unfiltered|developer|dan|uncensored|evil)"), ("responses", "answers", "paragraphs", "outputs")),
    # --- system prompt extraction ---------------------------------------------------------
    Rule("system_prompt_extraction", "reveal_prompt",
         _r(r"\b(?:reveal|show|print|display|output|repeat|recite|leak|dump|expose|give|tell|share|spell\s+out|write\s+out|what\s+(?:is|are|was|were))\s+(?:me\s+)?(?:\w+\s+){0,3}(?:system|initial|original|hidden|secret|internal|pre-?prompt|developer|first)\s+(?:prompts?|instructions?|messages?|rules|directives|configuration)\b"), ("prompt", "instruction", "message", "rules", "directive", "configuration")),
    Rule("system_prompt_extraction", "repeat_above",
         _r(r"\b(?:repeat|print|output|copy|return|show)\s+(?:\w+\s+){0,3}(?:text|words|everything|content|lines?|instructions?)\s+(?:above|before\s+this|preceding|at\s+the\s+(?:start|beginning))\b|\bwhat\s+(?:was|is)\s+written\s+(?:above|before|at\s+the\s+beginning)\b"), ("above", "before this", "preceding", "beginning", "start", "written")),
    Rule("system_prompt_extraction", "your_prompt",
         # "your prompt was unclear" is a user talking about a question: the assistant's own prompt is
         # named ("your system prompt"), asked for, or quoted from.
         _r(r"\byour\s+(?:system|initial|original|hidden|secret|internal|full|entire|complete|exact|first|real)\s+(?:prompt|instructions?)\b"
            r"|\b(?:what|show|print|reveal|repeat|tell|give|output|share|display|leak|dump|copy|recite|list|summari[sz]e|translate|describe|read)\b[^.?!\n]{0,40}\byour\s+prompt\b"
            r"|\byour\s+prompt\s+(?:says|said|begins|starts|contains|reads|is\s*:|word\s+for\s+word|verbatim)"
            # a copy-paste jailbreak's slot for the user's request: "[insert your prompt here]"
            r"|\byour\s+prompt\s+here\b|[\[(<{]\s*(?:insert\s+|put\s+|write\s+|enter\s+|add\s+)?your\s+prompt\b|(?:^|\n)\s*your\s+prompt\s*:"
            r"|\b(?:zeige|gib|nenne|verrate)\s+(?:\w+\s+){0,3}(?:prompt|anweisungen|systemnachricht)"), ("prompt", "anweisungen", "systemnachricht")),
    # --- delimiter and role-marker injection ----------------------------------------------
    Rule("delimiter_injection", "chat_markers",
         _r(r"<\|?(?:im_start|im_end|system|endoftext|user|assistant)\|?>|\[/?inst\]|<</?sys>>|</s>\s*<s>"), ("<", "[")),
    Rule("delimiter_injection", "fake_role_header",
         _r(r"(?:^|\n)\s*(?:#{2,}\s*|\[|<)?(?:system|admin|developer|root)(?:\s+(?:message|prompt|override|instruction))?\s*(?:\]|>)?\s*:\s*\S"), ("system", "admin", "developer", "root")),
    Rule("delimiter_injection", "end_of_prompt",
         _r(r"(?:-{3,}|={3,}|#{3,}|\*{3,})\s*(?:end\s+of\s+(?:the\s+)?(?:prompt|instructions|context|document|input)|new\s+(?:instructions|task|prompt|session))|\bend\s+of\s+(?:system\s+)?(?:prompt|instructions)\b"), ("end of", "new ")),
    # --- encoding tricks -------------------------------------------------------------------
    Rule("encoding_trick", "decode_and_follow",
         _r(r"\b(?:decode|decipher|decrypt|translate|convert)\s+(?:\w+\s+){0,4}(?:base64|base\s*64|rot\s*-?13|hex|binary|morse|cipher|encoded)\b.{0,80}\b(?:follow|execute|do|obey|perform|run|act\s+on|answer|respond)"), ("base", "rot", "hex", "binary", "morse", "cipher", "encoded")),
    # --- payload splitting -----------------------------------------------------------------
    Rule("payload_splitting", "concatenate_and_follow",
         _r(r"\b(?:combine|concatenate|join|merge|put\s+together)\s+(?:\w+\s+){0,5}(?:strings?|parts?|pieces|variables|words|letters|halves|segments)\b.{0,120}\b(?:follow|execute|answer|respond|do|obey|perform|act\s+on|instruction)"), ("combine", "concatenate", "join", "merge", "put together")),
)

# Every rule's hints, looked up together: a rule runs when one of its own hints is present,
# exactly as with one ``hint in text`` test each.
_HINTS = Needles(h for rule in RULES for h in rule.hints)

_VAR_ASSIGN_RE = re.compile(r"\b([a-z_]\w{0,15})\s*=\s*([\"'])(.{1,200}?)\2")
_CONCAT_RE = re.compile(r"\b[a-z_]\w{0,15}(?:\s*\+\s*[a-z_]\w{0,15})+")


def split_payload(view: View) -> View | None:
    """Resolve ``a = "..."; b = "..."; a + b`` into the string it builds (payload splitting)."""
    if "=" not in view.text or "+" not in view.text:
        return None  # no assignment or no concatenation: nothing is built
    values = {m.group(1): m.group(3) for m in _VAR_ASSIGN_RE.finditer(view.text)}
    if len(values) < 2:
        return None
    for m in _CONCAT_RE.finditer(view.text):
        names = [n.strip() for n in m.group().split("+")]
        if len(names) >= 2 and all(n in values for n in names):
            joined = "".join(values[n] for n in names)
            first = view.text.find(names[0])
            start, _ = view.to_original(max(first, 0), max(first, 0) + 1)
            _, end = view.to_original(m.start(), m.end())
            return View("payload_splitting", joined, span=(min(start, end - 1), end))
    return None


def match_rules(views: list[View]) -> list[RuleHit]:
    """Every rule hit in every view, de-duplicated per (rule, original span)."""
    hits: list[RuleHit] = []
    seen: set[tuple[str, int, int]] = set()
    for i, view in enumerate(views):
        # the folded view's pairs are the ones the secrets scanner built for the lowered text
        present = _HINTS.present(view.text, shared_pairs(view.text)) if i == 0 else None
        for rule in RULES:
            if rule.hints and (present.isdisjoint(rule.hints) if present is not None
                               else not any(h in view.text for h in rule.hints)):
                continue
            for m in rule.pattern.finditer(view.text):
                start, end = view.to_original(m.start(), m.end())
                key = (rule.name, start, end)
                if key in seen:
                    continue
                seen.add(key)
                hits.append(RuleHit(rule.family, rule.name, view.name, start, end, m.group()[:200], m.span()))
    return hits
