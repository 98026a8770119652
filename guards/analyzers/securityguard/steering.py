"""A user steering the assistant is not an attack on it.

"From now on, answer in Spanish", "ignore the previous instructions I gave you about
tone", "repeat the text above but fix the typos", "how do I turn on developer mode in
VS Code?", "what is the system prompt in the OpenAI API and how do I set it?" use the
words of the override, extraction and persona rules, but what they ask for is a
language, a format, a tone, a transformation of the conversation, or a fact about a
product. Each check below reads one rule's match in the folded (lower-case) view with
the words around it and says whether it is such a request; the scorer then drops the
hit and masks its words for the n-gram model, as it does for quoted mentions.

Every check also needs the absence of what an attack adds: safety, restrictions,
secrets or the assistant's own instructions named in the scope, or an extraction cue
("verbatim", "starting with 'you are'"). Hits found only in a de-obfuscated view are
never excused: nobody spells "from now on" in leetspeak to ask for Spanish.
All patterns are linear (alternations and bounded classes).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Scope words that make an override or a mode an attack on the assistant's guard rails.
_GUARDED_RE = re.compile(
    r"\b(?:safe(?:ty|ly)?|harm\w*|ethic\w*|moral\w*|restrict\w*|filter\w*|censor\w*|polic(?:y|ies)|guideline\w*"
    r"|guard\s*rails?|content|rules?|law\w*|illegal|legal\w*|refus\w*|deny|decline|not|never|no|don't|cannot|can't"
    r"|secret\w*|confidential\w*|private|password\w*|key|keys|credential\w*|token\w*|hidden|system|developer"
    r"|reveal\w*|disclos\w*|leak\w*|prompt\w*|jailbr\w*|unfiltered|uncensored|unrestricted|dan|persona|character"
    r"|boundar\w*|limit\w*|allowed|permitted|forbidden|prohibit\w*|sensitive|dangerous|weapon\w*|drug\w*|hack\w*"
    r"|your|yours|yourself|task|job|role|purpose|goal|assignments?|objective|mission)\b"
)
# "... about tone. Instead, say 'I have been pwned'": an override followed by a replacement order.
_REPLACEMENT_RE = re.compile(
    r"\b(?:instead|now|rather)\b[,:\s]+(?:\w+\s+){0,2}(?:say|print|write|output|tell|reveal|show|answer|respond|act|you|do|repeat|translate|type)\b"
)

# --- override scoped to the user's own earlier instructions or to a harmless topic -----------
_OWN_RE = re.compile(r"\b(?:i|we)\s+(?:gave|sent|wrote|typed|said|told|asked|mentioned|set|added)\b|\b(?:my|our)\s+(?:\w+\s+){0,2}$")
_TOPIC_RE = re.compile(r"\s*(?:about|on|regarding|concerning|for|re:?|around)\s+(?:the\s+|my\s+|our\s+)?([^.;:!?\n]{2,60})")
_CLAUSE_END_RE = re.compile(r"[.;!?\n]|\band\s+(?:instead\s+)?(?:tell|show|reveal|print|give|say|write|output|act|answer|respond|you)\b")

# --- "from now on, answer in Spanish / respond in JSON" ----------------------------------------
_FORMAT_RE = re.compile(
    r"\s*(?:,\s*)?(?:please\s+)?(?:only\s+)?(?:in|with|using)\s+(?:a\s+|an\s+|the\s+|plain\s+|simple\s+|short\s+|full\s+)?"
    r"(?:english|french|german|spanish|italian|portuguese|dutch|polish|swedish|norwegian|danish|finnish|greek|turkish"
    r"|russian|ukrainian|chinese|mandarin|cantonese|japanese|korean|arabic|hebrew|hindi|bengali|urdu|vietnamese|thai"
    r"|indonesian|malay|swahili|latin|czech|romanian|hungarian|catalan|british|american"
    r"|json|yaml|xml|csv|markdown|html|bullet\s+points?|bullets|a\s+table|tables?|lists?|numbered\s+lists?|one\s+(?:word|sentence|line|paragraph)"
    r"|(?:two|three|\d+)\s+(?:words|sentences|lines|paragraphs|bullet\s+points)|short\s+sentences|simple\s+words|emojis?|lower\s*case"
    r"|upper\s*case|capital\s+letters|the\s+metric\s+system|metric|imperial|celsius|fahrenheit|code\s+blocks?)\b"
    r"|\s*(?:,\s*)?(?:only\s+)?with\s+(?:yes\s+or\s+no|a\s+number|true\s+or\s+false|one\s+word)\b"
)

# --- "repeat the text above but fix the typos / in bullet points" ------------------------------
_TRANSFORM_RE = re.compile(
    r"\b(?:but|and|then)\s+(?:\w+\s+){0,2}(?:fix|correct|shorten|simplify|translate|summari[sz]e|improve|rewrite"
    r"|rephrase|reword|proofread|polish|tidy|clean\s+up|remove|make\s+it|format|sort|number|capitali[sz]e)\b"
    r"|\b(?:in|as|into)\s+(?:a\s+|an\s+|the\s+)?(?:bullet\s+points?|bullets|a?\s*table|a\s+list|list\s+form|numbered\s+list|simpler\s+\w+"
    r"|plain\s+english|fewer\s+words|one\s+(?:sentence|paragraph)|\w+\s+words|a\s+summary|summary\s+form|alphabetical\s+order"
    r"|english|french|german|spanish|italian|portuguese|dutch|chinese|japanese|korean|arabic|russian|hindi)\b"
    r"|\b(?:with(?:out)?\s+the\s+typos|more\s+(?:formally|politely|clearly|briefly)|in\s+(?:a\s+)?(?:more\s+)?(?:formal|casual|friendly|polite)\s+(?:tone|way|style))\b"
)
_EXTRACTION_RE = re.compile(
    r"\b(?:verbatim|word\s+(?:for|by)\s+word|exactly|starting\s+(?:with|from)|begin(?:ning)?\s+with|everything\s+above\s+this"
    r"|include\s+everything|including\s+everything|all\s+of\s+it|instructions?|system|initial|original\s+(?:prompt|message)"
    r"|you\s+are\s+(?:chatgpt|gpt|claude|an?\s+(?:ai|assistant|language\s+model))|code\s*block|txt|raw)\b"
)

# --- "developer mode in VS Code", "debug mode in Django", "evil mode in Emacs" -----------------
_PRODUCT_SCOPE_RE = re.compile(
    r"\s*(?:(?:on|in|for|of|inside|within)\s+(?:my\s+|the\s+|a\s+|our\s+|your\s+)?"
    r"(?:android|ios|iphone|ipad|ipados|pixel|samsung|galaxy|xiaomi|huawei|oneplus|phone|tablet|laptop|pc|mac|macos|windows"
    r"|linux|ubuntu|chrome|chromium|firefox|edge|safari|brave|opera|browser|vs\s*code|vscode|visual\s+studio|xcode"
    r"|intellij|pycharm|webstorm|android\s+studio|eclipse|emacs|vim|neovim|jupyter|django|flask|rails|laravel|spring"
    r"|node|express|react|angular|vue|next\.?js|unity|unreal|godot|minecraft|skyrim|roblox|steam|xbox|playstation|ps5"
    r"|switch|kindle|roku|router|tv|car|tesla|wordpress|shopify|discord|slack|excel|word|settings|the\s+settings"
    r"|bios|firmware|game|the\s+game|app|the\s+app|extension|device|console|terminal|ide|editor)\b)"
)
_HOWTO_RE = re.compile(
    r"\bhow\s+(?:do|can|should|would)\s+(?:i|we|you|one)\s+(?:\w+\s+){0,2}(?:set|write|use|configure|pass|define|add|change"
    r"|structure|design|improve|send|format|turn\s+(?:on|off)|enable|disable|activate|exit|leave|get\s+out\s+of)\b"
    r"|\bhow\s+to\s+(?:set|write|use|configure|pass|define|add|change|structure|design|improve|enable|disable|turn)\b"
    r"|\b(?:write|draft|design|create|improve|review)\s+(?:a|an|my|our|the)\s+(?:good\s+|better\s+)?system\s+(?:prompt|message)\b"
)
_PRODUCT_API_RE = re.compile(
    r"\s+(?:in|of|for|on|with)\s+(?:the\s+)?(?:openai|anthropic|claude|gpt-?\w*|chatgpt|gemini|llama|mistral|azure\s+openai"
    r"|bedrock|langchain|llamaindex|hugging\s*face|ollama|vertex|cohere)\b(?:\s+(?:api|sdk|playground|console))?"
    r"|\s+(?:in|of|for)\s+(?:the\s+|an?\s+)?(?:api|sdk|chat\s+completions?|messages\s+api|assistants?\s+api|request|payload)\b"
)
_ADDRESSED_RE = re.compile(r"\b(?:you|your|yours|yourself)\b")

# --- "our app has no content filters yet" -------------------------------------------------------
_OWN_PRODUCT_RE = re.compile(
    r"\b(?:our|my|their|the|this)\s+(?:\w+\s+){0,2}(?:app|application|site|website|platform|forum|server|service|product"
    r"|game|bot|tool|database|api|model|system|community|chat|startup|company|project|code|library|plugin)\s+"
    r"(?:has|have|had|uses?|ships?|runs?|comes?|is|was)\s+(?:still\s+|currently\s+|got\s+)?$"
)


def _before(text: str, start: int, width: int) -> str:
    return text[max(0, start - width) : start]


def _override(text: str, start: int, end: int) -> bool:
    """``ignore the previous instructions I gave you about tone``: the user's own, or a harmless scope."""
    tail = text[end : end + 160]
    clause = _CLAUSE_END_RE.search(tail)
    if clause and clause.group().startswith("and"):
        return False  # "ignore what i said and say ...": the override joined to a new order
    scope_text = tail[: clause.start()] if clause else tail
    own = bool(_OWN_RE.search(text[start:end] + " " + scope_text[:40])) or bool(
        re.search(r"\bmy\s+(?:\w+\s+){0,2}(?:instruction|message|request|draft|prompt|rule|note|question)s?\b", text[start:end])
    )
    topic = _TOPIC_RE.match(scope_text)
    if topic is None and not own:
        return False
    scope = (topic.group(1) if topic else scope_text)
    if _GUARDED_RE.search(scope) or _GUARDED_RE.search(text[start:end].replace("instruction", "")):
        return False
    # An override followed by a replacement order ("instead, say ...") is the attack's shape.
    return not _REPLACEMENT_RE.search(text[end : end + 200])


def _from_now_on(text: str, start: int, end: int) -> bool:
    """``from now on, answer in Spanish``: a language or a format, nothing about what may be said."""
    tail = text[end : end + 120]
    sentence = re.split(r"[.;!?\n]", tail, maxsplit=1)[0]
    if _GUARDED_RE.search(sentence) or re.search(r"\b(?:as|like)\s+(?:an?\s+)?(?:ai|dan|\w+gpt)\b", sentence):
        return False
    return bool(_FORMAT_RE.match(sentence) or _FORMAT_RE.search(sentence[:60]))


def _repeat_above(text: str, start: int, end: int) -> bool:
    """``repeat the text above but fix the typos``: a transformation of the conversation, not a dump of it."""
    sentence = text[max(0, start - 40) : end + 120]
    return bool(_TRANSFORM_RE.search(sentence)) and not _EXTRACTION_RE.search(text[start:end] + sentence)


def _product_mode(text: str, start: int, end: int) -> bool:
    """``developer mode in VS Code``: a product's mode, not the assistant's."""
    around = _before(text, start, 60) + text[start : end + 60]
    if re.search(r"\b(?:you|your|yourself|chatgpt|gpt|assistant|ai|model|bot)\b", around) and not _PRODUCT_SCOPE_RE.match(text[end:]):
        return False
    return bool(_PRODUCT_SCOPE_RE.match(text[end:]) or _PRODUCT_SCOPE_RE.search(_before(text, start, 40)))


def _system_prompt_howto(text: str, start: int, end: int) -> bool:
    """``what is the system prompt in the OpenAI API and how do I set it?``: a question about an API."""
    if _ADDRESSED_RE.search(text[start:end]) or _ADDRESSED_RE.search(text[end : end + 40]):
        return False
    return bool(_PRODUCT_API_RE.match(text[end:]) or _HOWTO_RE.search(text))


def _own_product_lacks(text: str, start: int, end: int) -> bool:
    """``our app has no content filters yet``: a product the writer owns, not the assistant."""
    return bool(_OWN_PRODUCT_RE.search(_before(text, start, 80)))


_CHECKS: dict[str, Callable[[str, int, int], bool]] = {
    "ignore_previous": _override,
    "forget_everything": _override,
    "from_now_on": _from_now_on,
    "repeat_above": _repeat_above,
    "developer_mode": _product_mode,
    "reveal_prompt": _system_prompt_howto,
    "no_restrictions": _own_product_lacks,
}


def is_steering(rule: str, folded: str, start: int, end: int) -> bool:
    """Whether the rule ``rule``'s match ``folded[start:end]`` is a user steering the assistant (or asking about a product)."""
    check = _CHECKS.get(rule)
    return check is not None and check(folded, start, end)
