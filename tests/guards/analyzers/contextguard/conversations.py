"""Scripted conversations for the contextguard tests (written for them, not from a dataset)."""

PASTA = [
    "I'm planning to make fresh pasta at home this weekend.",
    "Great idea! Will you use a pasta machine or roll the pasta dough by hand?",
    "By hand. How thin should I roll the pasta dough for tagliatelle?",
    "Roll the pasta dough until you can almost see your hand through it, about one millimetre.",
    "And how long should I boil the fresh tagliatelle?",
    "Fresh pasta cooks fast: two to three minutes in salted boiling water is enough.",
    "Which sauce goes best with fresh tagliatelle?",
    "A simple butter and parmesan sauce or a slow-cooked ragù suits fresh tagliatelle best.",
]

CONFIG_BUG = [
    "My Python script crashes with a KeyError when I read the config dictionary.",
    "A KeyError means the key is missing from the dictionary; use config.get('name') with a default.",
    "I changed it to config.get but now the value is None and the script crashes later.",
    "Then the key is really absent from the config file: check the spelling of the key in the YAML file.",
    "The YAML file uses 'db_host' but my Python code reads 'dbhost', that was the bug.",
    "Good catch: rename the key in the code or in the config file so both match.",
]

# The config-bug conversation, then a new subject at turn 4.
SHIFT_AT = 4
CONFIG_THEN_HIKING = [
    *CONFIG_BUG[:SHIFT_AT],
    "Can you recommend a good hiking trail near Denver for this weekend?",
    "Sure: the Royal Arch trail in Boulder is a popular half-day hike.",
]


# A client that stores only its user turns: follow-up questions on one subject.
TRIP_QUESTIONS = [
    "I'm planning a trip to Japan in April. What cities should I visit?",
    "How many days should I spend in Kyoto?",
    "Is the Japan Rail Pass worth it for that itinerary?",
    "What's the best way to get from Tokyo to Kyoto?",
    "Are cherry blossoms still in bloom in mid April?",
]
# The same questions, a digression, then back to the trip.
DIGRESSION_AT = len(TRIP_QUESTIONS)
TRIP_WITH_DIGRESSION = [
    *TRIP_QUESTIONS,
    "By the way, can you recommend a good recipe for chocolate chip cookies?",
    "Which temples in Kyoto are the least crowded?",
]


# User and assistant turns: a trip, a digression about cookies, then back to the trip.
TRIP_DIALOGUE_WITH_DIGRESSION = [
    "I'm planning a trip to Japan in April. What cities should I visit?",
    "Tokyo, Kyoto and Osaka are a classic first itinerary; add Nara as a day trip from Kyoto.",
    "How many days should I spend in Kyoto?",
    "Three days in Kyoto lets you see the main temples, Arashiyama and Gion without rushing.",
    "Can you recommend a good recipe for chocolate chip cookies?",
    "Cream butter and sugar, add eggs and vanilla, fold in flour and chocolate chips, then bake for 10 minutes.",
    "Which temples in Kyoto are the least crowded?",
]


# More user-only sessions (issue 10): follow-ups on one subject, each sent as `user`.
LAPTOP_BATTERY = [
    "My laptop battery drains in two hours, even when idle.",
    "I checked and the browser uses most of the power.",
    "Would switching to a lighter browser help with battery life?",
    "Does the screen brightness matter much for that?",
    "And would a new battery fix it or is it the software?",
]
MARATHON = [
    "I want to run my first marathon next year.",
    "How many kilometres a week should I run to start?",
    "Should I buy special running shoes for that?",
    "Is it okay to run on the days my legs are sore?",
]
# A garden thread, then the user changes the subject outright (last turn).
GARDEN = [
    "I started a vegetable garden in my backyard this spring.",
    "My tomatoes keep getting yellow leaves, is that too much water?",
    "Should I prune the lower tomato leaves too?",
]
GARDEN_SUBJECT_CHANGES = [
    "By the way, what do you do for a living?",
    "Anyway, enough about plants. Do you have any pets?",
    "Changing the subject: what is your favorite movie?",
]


def role(i: int) -> str:
    return "user" if i % 2 == 0 else "assistant"
