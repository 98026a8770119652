"""Stereotype cues that name no group: what is said about people, and what stands in for a group.

Many stereotyped sentences never name the group they are about ("He was lazy and never
paid rent", "The lady with all the cats gossiped all afternoon"): a first name or a
pronoun stands in for it, and what gives the sentence away is

- an **evaluative trait** said of a person: a character judgement ("lazy", "greedy",
  "sneaky", "hysterical"), a body judgement ("fat", "ugly") or a crime or vice ("stole",
  "robbed", "drugs", "drunk");
- a **group-implying word**: a place, custom, object or condition that readers tie to
  one group ("ghetto", "trailer park", "food stamps", "hijab", "wheelchair", "senile",
  "gold digger").

Neither word makes a sentence a stereotype (WinoBias says "because she was lazy" about
one clerk, a word problem takes a wheelchair to the shop): each is one more column of
the stereotype stack (``stereotypes``), weighed by training against WinoBias, word
problems and ordinary sentences. Counts are capped at three and scaled to 0..1.

Written for this project from general vocabulary; one pass over the words, linear time.
"""

from __future__ import annotations

import re

# Character, body and conduct judgements of a person, and crimes or vices laid at their door.
_TRAITS = (
    "lazy", "greedy", "stupid", "dumb", "idiot", "idiots", "violent", "dangerous", "dirty", "filthy", "smelly",
    "stinky", "cheap", "stingy", "sneaky", "ignorant", "weak", "emotional", "hysterical", "bossy", "catty",
    "loud", "aggressive", "criminal", "criminals", "thug", "thugs", "savage", "savages", "ugly", "fat",
    "overweight", "obese", "chubby", "skinny", "uneducated", "illiterate", "nerdy", "nerd", "nerds",
    "submissive", "exotic", "promiscuous", "slutty", "drunk", "drunks", "drunken", "alcoholic", "alcoholics",
    "addict", "addicts", "senile", "feeble", "frail", "incompetent", "useless", "helpless", "clueless", "naive",
    "gullible", "irresponsible", "untrustworthy", "dishonest", "liar", "liars", "cheat", "cheats", "cheated",
    "cheating", "steal", "steals", "stealing", "stole", "thief", "thieves", "rob", "robs", "robbed", "robbing",
    "robber", "robbers", "burglar", "burglars", "burglarized", "looter", "looters", "lying", "greedily",
    "coward", "cowards", "cowardly", "timid", "meek", "fragile", "whiny", "whining", "nagging", "gossip",
    "gossiping", "gossiped", "vain", "shallow", "superficial", "materialistic", "spoiled", "snobby", "snob",
    "snobs", "arrogant", "entitled", "rude", "crude", "uncivilized", "uncivilised", "primitive", "backward",
    "barbaric", "brutal", "hostile", "defiant", "menacing", "creepy", "pervert", "perverts", "predator",
    "predators", "rapist", "rapists", "terrorist", "terrorists", "extremist", "extremists", "fanatic",
    "fanatics", "evil", "sinful", "immoral", "crazy", "insane", "psycho", "retarded", "demented", "lame",
    "crippled", "incapable", "unfit", "inferior", "worthless", "pathetic", "freak", "freaks", "sissy", "girly",
    "effeminate", "flamboyant", "unemployed", "jobless", "beggar", "beggars", "freeloader", "freeloaders",
    "moocher", "moochers", "handouts", "gang", "gangs", "gangster", "gangsters", "drugs", "dealer", "dealers",
    "meth", "crack", "jail", "jailed", "arrested",
)
# Words that readers tie to one group: places, customs, objects, conditions.
_GROUP_IMPLYING = (
    "ghetto", "hood", "projects", "trailer park", "trailer parks", "food stamps", "welfare", "section 8", "slum",
    "slums", "inner city", "reservation", "plantation", "slave", "slaves", "slavery", "watermelon",
    "fried chicken", "rapper", "rappers", "hip hop", "border", "deported", "deportation", "green card",
    "accent", "broken english", "undocumented", "turban", "hijab", "burqa", "veil", "mosque", "kosher",
    "synagogue", "rabbi", "yarmulke", "jihad", "sharia", "allah", "bomb", "bombs", "bomber", "cult", "satanist",
    "satanists", "witchcraft", "wheelchair", "crutches", "autism", "down syndrome", "deaf", "blind", "mute",
    "dementia", "nursing home", "dentures", "wrinkled", "wrinkles", "cougar", "cougars", "gold digger",
    "gold diggers", "sugar daddy", "makeup", "salon", "housewife", "pregnant", "knitting", "gay", "lesbian",
    "homosexual", "queer", "transgender", "cross-dressing", "closeted", "mansion", "yacht", "private school",
    "country club", "poverty", "low income", "redneck", "rednecks", "hillbilly", "hillbillies", "janitor",
    "maid", "nanny", "servant", "laborer", "labourer", "immigrant", "immigrants", "foreigner", "foreigners",
    "refugee", "refugees", "migrant", "migrants", "orchards",
)


_TOKEN = re.compile(r"[a-z0-9_]+(?:-[a-z0-9_]+)*")  # a hyphenated word, or a handle, is one word


class _Words:
    """Single words in a set, phrases of two or three words in another: one pass over a sentence's words."""

    def __init__(self, entries: tuple[str, ...]) -> None:
        self.words = {e for e in entries if " " not in e}
        self.phrases = {tuple(e.split()) for e in entries if " " in e}

    def count(self, words: list[str]) -> int:
        found, i = 0, 0
        while i < len(words):
            for size in (3, 2):
                if tuple(words[i:i + size]) in self.phrases:
                    found, i = found + 1, i + size
                    break
            else:
                found += words[i] in self.words
                i += 1
        return found


TRAITS = _Words(_TRAITS)
GROUP_IMPLYING = _Words(_GROUP_IMPLYING)
CUE_FEATURES = ("trait_words", "group_implying_words")
_CAP = 3


def cue_features(sentence: str) -> list[float]:
    """``[trait words, group-implying words]``, each a count capped at three and scaled to 0..1."""
    words = _TOKEN.findall(sentence.lower())
    return [min(vocabulary.count(words), _CAP) / _CAP for vocabulary in (TRAITS, GROUP_IMPLYING)]
