"""Generated training sentences for the stereotype model (training only, never reported).

The real data cannot teach two things the guard needs:

- CrowS-Pairs' stereotypes all name a group and everyday text rarely does, so without
  neutral sentences about people of every group the model learns "names a group"
  instead of "says something stereotyped about it" (``neutral_person_templates``);
- CrowS-Pairs has few *generic* statements about a group ("X shouldn't be allowed to
  ..."), and neutral generic statements about a group ("X make up a fifth of the
  workforce") appear nowhere, so the model cannot learn that the predicate, not the
  grammar, makes the difference (``group_statement_templates``).

Every sentence here is written for this project from word lists; no dataset row is
copied. The benchmark reports only on real data.
"""

from __future__ import annotations

import random

from biasguard_data import SEED, Labelled

_SUBJECTS = (
    "My neighbour, an old man,", "An elderly woman", "A young Black man", "The Muslim family next door",
    "A Jewish student", "Two gay men", "A lesbian couple", "A disabled veteran", "A blind woman",
    "The deaf student", "An Asian woman", "A Mexican immigrant", "The Chinese tourists", "A Christian pastor",
    "Several women", "The men in my class", "A teenage girl", "A homeless man", "A poor family",
    "A rich businessman", "A transgender woman", "An Indian engineer", "The refugees", "A Hindu priest",
    "My grandmother", "Her Black colleague", "A white farmer", "An autistic boy", "A Latina nurse",
    "The Arab shopkeeper", "Some immigrants", "Older workers", "Young people", "Many Christians",
    "Black voters", "Gay couples", "Muslim students", "Wheelchair users", "Retirees", "Working-class families",
)
_PREDICATES = (
    "attended the town meeting on Tuesday.", "bought groceries at the market this morning.",
    "moved into the apartment upstairs last spring.", "took the early train to the city.",
    "signed up for the evening pottery class.", "planted tomatoes in the community garden.",
    "voted in the local election.", "asked the librarian for a book about birds.",
    "celebrated a birthday with friends at a restaurant.", "waited at the bus stop in the rain.",
    "volunteered at the food bank over the weekend.", "watched the football match on television.",
    "started a new job at the hospital in June.", "adopted a dog from the shelter.",
    "visited relatives during the holidays.", "ran the city marathon last year.",
    "opened a bakery on Main Street.", "wrote a letter to the newspaper about parking.",
    "finished a degree in chemistry.", "repaired the fence behind the house.",
    "joined the choir at the community centre.", "flew to Chicago for a conference.",
    "paid the electricity bill online.", "took photographs of the sunset at the lake.",
    "cooked dinner for the whole family.", "read the morning news on a tablet.",
)

# Group phrases as a generic subject (plural, as people write them).
_GROUPS = (
    "Women", "Men", "Girls", "Mothers", "Fathers", "Trans people", "Black people", "White people", "Asians",
    "Asian people", "Latinos", "Hispanics", "Arabs", "Jews", "Jewish people", "Muslims", "Christians", "Hindus",
    "Atheists", "Catholics", "Old people", "The elderly", "Teenagers", "Millennials", "Boomers",
    "Disabled people", "Blind people", "Deaf people", "Autistic people", "Gay people", "Gay men", "Lesbians",
    "Bisexual people", "Mexicans", "Immigrants", "Refugees", "Foreigners", "Chinese people", "Indians",
    "Africans", "Poor people", "The poor", "Rich people", "Homeless people", "Welfare recipients",
    "Most women", "All immigrants", "Most Muslims", "Many gay men", "Most old people",
)
# What a hostile or stereotyping statement says about a whole group.
_HOSTILE = (
    "are a burden on everyone else.", "should not be allowed to vote.", "shouldn't be allowed to teach in schools.",
    "should not be allowed to hold public office.", "don't deserve the same rights as the rest of us.",
    "should go back where they came from.", "are ruining this country.", "can't be trusted with money.",
    "are naturally worse at science.", "are too emotional to make decisions.", "only care about themselves.",
    "are all criminals at heart.", "are destroying our neighbourhoods.", "are just lazy and want handouts.",
    "are less intelligent than everyone else.", "are a threat to our children.", "are basically animals.",
    "do not belong in this country.", "are incapable of running a business.", "are a disease on society.",
    "should be kept out of the military.", "shouldn't be allowed near kids.", "are all the same.",
    "never work for anything they have.", "bring crime wherever they go.", "have no morals at all.",
    "should stay in the kitchen.", "should not be hired for serious jobs.", "are too stupid to understand politics.",
    "will never be real members of society.", "cannot think for themselves.", "are a plague on this city.",
    "ought to be banned from our clubs.", "are born to serve others.", "need to be watched at all times.",
    "don't know how to raise children.", "spread disease wherever they live.", "are inferior to us.",
    "shouldn't have the right to marry.", "are genetically prone to violence.",
)
# What a neutral or factual statement says about a group.
_NEUTRAL = (
    "make up about a fifth of the workforce in the region.", "celebrate several holidays in the spring.",
    "live in almost every country in the world.", "have the right to vote in national elections.",
    "are protected by anti-discrimination law.", "took part in the survey in large numbers.",
    "are represented by several advocacy groups.", "come from many different backgrounds.",
    "are a diverse group with a long history.", "work in every sector of the economy.",
    "often face barriers when looking for housing.", "are eligible for the scholarship programme.",
    "have contributed to science, art and politics.", "speak many different languages.",
    "can apply for the grant through the city website.", "were counted separately in the last census.",
    "have their own community centres in most large cities.", "are welcome to join the association.",
    "are entitled to the same healthcare as everyone.", "gathered in the square for the festival.",
    "have a range of political views.", "are the subject of a new study on employment.",
    "should be consulted about policies that affect them.", "deserve equal treatment under the law.",
    "have lived in this region for centuries.", "vary widely in their religious practice.",
    "are underrepresented on corporate boards.", "founded several of the town's oldest businesses.",
    "are more likely to be targeted by online harassment.", "can get free advice at the legal clinic.",
    "organise a yearly conference on education.", "use the library as much as anyone else.",
    "are over-represented among low-wage workers, the report found.", "enjoy a wide variety of music.",
    "have different experiences of the health system.", "are eligible for the new transport pass.",
    "run many of the small shops on this street.", "are part of every profession.",
    "raised money for the new hospital wing.", "have equal access to the programme.",
)


def neutral_person_templates(count: int) -> list[Labelled]:
    """Particular people of every group doing ordinary things (label 0)."""
    pairs = [(s, p) for s in _SUBJECTS for p in _PREDICATES]
    random.Random(SEED).shuffle(pairs)
    return [Labelled(f"{s} {p}", 0, "template") for s, p in pairs[:count]]


def group_statement_templates(count: int) -> list[Labelled]:
    """Generic statements about a group: hostile (label 1) and neutral (label 0), ``count`` of each."""
    rng = random.Random(SEED + 1)
    hostile = [(g, p) for g in _GROUPS for p in _HOSTILE]
    neutral = [(g, p) for g in _GROUPS for p in _NEUTRAL]
    rng.shuffle(hostile)
    rng.shuffle(neutral)
    return ([Labelled(f"{g} {p}", 1, "template") for g, p in hostile[:count]]
            + [Labelled(f"{g} {p}", 0, "template") for g, p in neutral[:count]])
