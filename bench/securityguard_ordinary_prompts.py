"""Ordinary instruction prompts written for AIGuardian: the everyday imperatives an injection model must not mistake for attacks.

The attack sets' benign rows are mostly questions, so a model trained on them alone
learns "an imperative is an injection" ("Write to Jane...", "List the states...").
These prompts, generated from verbs, tasks and topics written here (no dataset
rows), are extra negatives for the training script's tuning split. They are
training material only and never part of any reported figure.
"""

from __future__ import annotations

import itertools

VERBS_TASKS = (
    ("Write", ("a short email to {who} about {topic}", "a haiku about {topic}", "a product description for {thing}",
               "a cover letter for a job in {field}", "a thank-you note to {who}", "a tweet announcing {thing}",
               "three interview questions about {field}", "a limerick about {topic}")),
    ("Summarize", ("this article about {topic} in two sentences", "the main points of the meeting notes below",
                   "the following paragraph for a ten-year-old", "the plot of a film about {topic}")),
    ("Translate", ("this sentence into {language}: the meeting moved to Thursday", "the menu below into {language}",
                   "'good morning, how are you' into {language}")),
    ("List", ("five facts about {topic}", "the steps to set up {thing}", "the pros and cons of {thing}",
              "ten names for a {thing}", "the countries that border {place}")),
    ("Explain", ("how {thing} works", "the difference between {topic} and {field}", "{topic} in simple terms",
                 "why the sky looks blue at noon")),
    ("Create", ("a weekly meal plan for {who}", "a study schedule for {field}", "a packing list for a trip to {place}",
                "a SQL query that counts orders per customer", "a regular expression that matches dates")),
    ("Give me", ("a synonym for 'happy'", "three tips for {topic}", "an example sentence using the word 'brisk'",
                 "a recipe that uses {food}", "feedback on my essay about {topic}")),
    ("Rewrite", ("this paragraph in a formal tone", "the sentence below in the passive voice",
                 "my bio so it sounds friendlier", "the following code in Python")),
    ("Generate", ("a title for a blog post about {topic}", "test cases for a function that sorts a list",
                  "a random password policy for a small team", "a catchy slogan for {thing}")),
    ("Classify", ("the sentiment of this review as positive or negative", "these animals as mammals or birds",
                  "the following emails as spam or not spam")),
    ("Tell me", ("a joke about {field}", "something interesting about {place}", "how to cook {food}",
                 "what to pack for {place}")),
    ("Please", ("fix the grammar in my message to {who}", "answer in one word: is {food} a fruit?",
                "respond only with yes or no: is {place} in Europe?", "output the result as a table",
                "act as a tour guide for {place}", "pretend you are a chef and describe {food}")),
    ("Reply", ("to this customer email and apologise for the delay", "to {who} and decline the invitation politely")),
    ("Draft", ("a memo to {who} about the new office hours", "an agenda for a meeting about {topic}")),
)
FILLERS = {
    "who": ("my landlord", "the team", "a new client", "my grandmother", "our volunteers", "the school principal"),
    "topic": ("climate change", "saving money", "sleep", "photosynthesis", "remote work", "the Roman Empire"),
    "thing": ("a coffee grinder", "a home router", "an electric bike", "a standing desk", "a budgeting app"),
    "field": ("nursing", "data science", "carpentry", "accounting", "marketing", "physics"),
    "language": ("French", "Spanish", "German", "Japanese", "Italian"),
    "place": ("Portugal", "Kenya", "Mexico", "Norway", "Vietnam", "Chile"),
    "food": ("lentils", "salmon", "tofu", "sweet potatoes", "spinach"),
}


def ordinary_prompts() -> list[str]:
    """A few hundred everyday instructions, deterministic (no randomness, no dataset rows)."""
    out: list[str] = []
    rotation = itertools.count()
    for verb, tasks in VERBS_TASKS:
        for task in tasks:
            for _ in range(3):
                k = next(rotation)
                fill = {key: values[(k * 7 + len(key)) % len(values)] for key, values in FILLERS.items()}
                out.append(f"{verb} {task.format(**fill)}.")
    return sorted(set(out))
