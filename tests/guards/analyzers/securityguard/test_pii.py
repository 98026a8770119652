import random

import pytest

from guards.analyzers.securityguard.pii import _Taken, detect_pii, luhn_ok


@pytest.mark.parametrize(("text", "value", "kind"), [
    ("Write to jane.doe+news@example.co.uk today", "jane.doe+news@example.co.uk", "EMAIL"),
    ("Card: 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111", "CREDIT_CARD"),
    ("my iban is gb82 west 1234 5698 7654 32 thanks", "gb82 west 1234 5698 7654 32", "IBAN"),
    ("Transfer from DE89370400440532013000 to me", "DE89370400440532013000", "IBAN"),
    ("Here's my SSN: 123-45-6789", "123-45-6789", "US_SSN"),
    ("client_ip = 8.8.8.8 was blocked", "8.8.8.8", "IP_ADDRESS"),
    ("v6 host 2001:db8::ff00:42:8329 answered", "2001:db8::ff00:42:8329", "IP_ADDRESS"),
    ("Call me at +44 20 7946 0958 tomorrow", "+44 20 7946 0958", "PHONE"),
    ("Phone: 0490 75 40 81", "0490 75 40 81", "PHONE"),
    ("Desk: (415) 555-0132", "(415) 555-0132", "PHONE"),
])
def test_it_finds_pii_with_exact_offsets(text, value, kind):
    found = [f for f in detect_pii(text) if f.type == kind]
    assert [text[f.start:f.end] for f in found] == [value]
    assert value not in found[0].evidence


@pytest.mark.parametrize("text", [
    "Order 4111 1111 1111 1112 shipped",  # fails Luhn
    "SSN 666-12-3456 is never issued",
    "Version 1.2.3.4.5 and 256.1.1.1",
    "GB00 WEST 1234 5698 7654 32 has a bad checksum",
    "The meeting is on 2024-05-17 in room 12345",
    "Population 1234567 grew",
])
def test_it_rejects_lookalikes_that_fail_validation(text):
    assert detect_pii(text) == []


def test_private_addresses_are_reported_with_their_scope_and_low_severity():
    (f,) = detect_pii("gateway 192.168.0.1")
    assert f.detail["scope"] == "private" and f.severity == "info"


def test_entities_can_be_limited():
    text = "a@b.example and 123-45-6789"
    assert [f.type for f in detect_pii(text, entities=["US_SSN"])] == ["US_SSN"]


def test_luhn():
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")


@pytest.mark.parametrize(("text", "message"), [
    ("SSN 123-45-6789", "US Social Security number found"),
    ("host 8.8.8.8", "IP address found"),
    ("mail jane@corp.example", "Email address found"),
    ("card 4111 1111 1111 1111", "Payment card number found"),
    ("iban DE89370400440532013000", "IBAN (international bank account number) found"),
    ("Call +44 20 7946 0958", "Phone number found"),
])
def test_messages_name_the_entity_in_words(text, message):
    assert [f.message for f in detect_pii(text)] == [message]


def test_taken_spans_answer_overlap_as_checking_each_span():
    rng = random.Random(10)
    for _ in range(3_000):
        taken, spans = _Taken(), []
        for _ in range(rng.randrange(10)):
            start = rng.randrange(40)
            end = start + 1 + rng.randrange(5)
            if not any(s < end and start < e for s, e in spans):  # detect_pii only adds free spans
                taken.add(start, end)
                spans.append((start, end))
        start = rng.randrange(45)
        end = start + 1 + rng.randrange(5)
        assert taken.overlaps(start, end) == any(s < end and start < e for s, e in spans)


def test_digits_inside_a_link_are_an_id_not_a_phone_number():
    # Tried by hand (2026-12-02): the meeting id of a Zoom link, after "call", was a PHONE finding.
    text = "Join the call at https://us02web.zoom.us/j/81234567890 at noon."
    assert [f for f in detect_pii(text) if f.type == "PHONE"] == []
    assert [f.type for f in detect_pii("Join the call at +1 415 555 0132 at noon.")] == ["PHONE"]
