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


# A user steering the assistant: language, format, tone, a role for a task, the user's own earlier
# requests, questions about system prompts and modes of products. These use the words of
# overrides and personas ("from now on", "you are now", "forget", "system prompt") for harmless
# ends; the attack sets have almost none of them, so without these the model learns the words.
STEERING = (
    "{when}, {steer}.",
    "{Steer} {when_tail}.",
    "You are now my {role}. {role_task}.",
    "Act as my {role} for this conversation and {role_task_lower}.",
    "You must always {habit} when you {context}.",
    "Always {habit} when you {context}, please.",
    "Pretend I know nothing about {field} and explain {topic} from the beginning.",
    "Forget the jargon and explain {topic} in everyday words.",
    "Ignore the {flaw} in my {doc} and tell me whether the argument holds up.",
    "Disregard the {flaw} in the notes below; I only need the dates.",
    "Don't follow the usual {structure}; I'd like {alternative} instead.",
    "Scrap my earlier request about {topic}; let's look at {field} instead.",
    "What should the system prompt of a {bot} contain?",
    "Help me improve the system message for our {bot}.",
    "Write an SQL statement that drops the {table} table and creates it again with an id column.",
    "Delete the rows older than one year from the {table} table; show me the query first.",
    "How do I enable {mode} mode on {device}?",
)
STEERING_FILLERS = {
    "when": ("From now on", "For the rest of this chat", "Going forward", "Until I say otherwise"),
    "when_tail": ("from now on", "for the rest of this chat", "until I say otherwise", "in every answer"),
    "steer": ("reply in {language}", "use numbered lists", "keep answers under eighty words", "write in a warm tone",
              "use the metric system", "address me as Priya", "skip the small talk", "comment every code example",
              "give the short version first", "include one example per answer", "ask me one question at a time",
              "correct my grammar as we go", "use British spelling", "explain things as if I were twelve"),
    "role": ("writing coach", "German teacher", "mock interviewer", "study buddy", "travel planner", "code reviewer",
             "chess coach", "debate partner"),
    "role_task": ("Point out anything unclear in what I write", "Quiz me on {topic}", "Start with an easy question",
                  "Give me feedback after each answer"),
    "habit": ("show your working", "include the units", "name your sources", "use plain words", "give an example",
              "mention the assumptions"),
    "context": ("answer maths questions", "explain code", "give health advice", "summarise articles", "compare products"),
    "flaw": ("typos", "formatting", "spelling mistakes", "first paragraph", "citations"),
    "doc": ("essay", "draft", "notes", "cover letter", "report"),
    "structure": ("five-paragraph structure", "formal letter layout", "table format", "question-and-answer format"),
    "alternative": ("a short story", "a checklist", "a dialogue", "three bullet points"),
    "bot": ("customer-support bot", "recipe assistant", "tutoring chatbot", "travel booking assistant", "HR helpdesk bot"),
    "table": ("orders", "sessions", "audit_log", "customers", "temp_imports"),
    "mode": ("developer", "debug", "dark", "safe", "airplane"),
    "device": ("a Pixel phone", "Windows 11", "my router", "Firefox", "a Samsung TV"),
}


def _fill(template: str, k: int) -> str:
    # 11 is prime and no list is a multiple of 11 long, so successive k walk through every list.
    values = {key: options[(k * 11 + len(key)) % len(options)] for key, options in {**FILLERS, **STEERING_FILLERS}.items()}
    values["role_task_lower"] = values["role_task"][0].lower() + values["role_task"][1:]
    values["Steer"] = values["steer"][0].upper() + values["steer"][1:]
    text = template.format(**values)
    return text.format(**values) if "{" in text else text  # a filler may hold a slot of its own


def steering_prompts() -> list[str]:
    """Users steering the assistant: ten fillings of each template, deterministic."""
    return sorted({_fill(template, k + i) for i, template in enumerate(STEERING) for k in range(10)})


def ordinary_prompts() -> list[str]:
    """A few hundred everyday instructions, deterministic (no randomness, no dataset rows)."""
    out: list[str] = steering_prompts()
    rotation = itertools.count()
    for verb, tasks in VERBS_TASKS:
        for task in tasks:
            for _ in range(3):
                k = next(rotation)
                fill = {key: values[(k * 7 + len(key)) % len(values)] for key, values in FILLERS.items()}
                out.append(f"{verb} {task.format(**fill)}.")
    return sorted(set(out))
