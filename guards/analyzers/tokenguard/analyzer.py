"""tokenguard: exact token counts, cost, context-window fit, optimization and budgets."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import tiktoken

from guards.analyzers.base import Analyzer, AnalyzerContext, Finding, GuardResult
from guards.analyzers.schema import Setting, SettingsSchema
from guards.analyzers.tokenguard.budget import PERIODS, budget_check_and_charge
from guards.analyzers.tokenguard.contract import CONTRACT
from guards.analyzers.tokenguard.counting import count_messages, count_text
from guards.analyzers.tokenguard.encodings import SPECS, encoding_name_for_model, get_encoding
from guards.analyzers.tokenguard.fit import REJECT, TRIM, Fit, assess_fit
from guards.analyzers.tokenguard.optimizer import Optimization, optimize_text
from guards.analyzers.tokenguard.pricing import ModelPrice, cost_estimate, load_pricing, token_cost

MAX_EDIT_FINDINGS = 50
# Unknown models are priced and sized as this table entry (and the response says so).
FALLBACK_MODEL = "gpt-4o"


class TokenGuard(Analyzer):
    name = "tokenguard"
    version = "1.1.0"
    description = (
        "Exact OpenAI token counts (cl100k_base/o200k_base), cost estimate, context-window fit "
        "(keep/trim/reject), text optimization and per-tenant token budgets."
    )
    contract = CONTRACT
    settings_schema = SettingsSchema((
        Setting("default_model", "str", "gpt-4o", help="Model assumed when the payload names none."),
        Setting("max_tokens", "int", 0, min=0,
                help="Most prompt tokens a request may carry (0: only the model's context window)."),
        Setting("max_trim_ratio", "float", 0.5, min=0.0, max=1.0,
                help="Largest share of a prompt that may be trimmed before it is rejected instead."),
        Setting("truncate_to_fit", "bool", True,
                help="When optimizing a text that does not fit, cut it at a sentence boundary."),
        Setting("budget_tokens", "int", 0, min=0, help="Prompt tokens allowed per period (0: no budget)."),
        Setting("budget_period", "str", "month", choices=PERIODS),
        Setting("enforce_budget", "bool", True,
                help="Reject a request that would exceed the budget (else only report it)."),
    ))

    def warm_up(self) -> None:
        for name in SPECS:
            get_encoding(name)
        load_pricing()

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        timings: dict[str, float] = {}
        payload = self.contract.payload.validate(payload)
        messages = payload["messages"]
        text = payload["text"] or ""
        model = payload["model"] or settings["default_model"]
        requested_output = payload["max_tokens"]
        optimize = payload["optimize"]

        notes: list[str] = []
        encoding_name, note = encoding_name_for_model(model)
        if note:
            notes.append(note)
        enc = get_encoding(encoding_name)
        table = load_pricing()
        price = table.lookup(model)
        if price is None:
            price = table.lookup(FALLBACK_MODEL)
            assert price is not None
            notes.append(f"No price or limits for {model!r}: estimated as {price.model}.")

        started = time.perf_counter()
        data: dict[str, Any] = {"model": model, "priced_as": price.model, "encoding": encoding_name}
        if messages is not None:
            total, per_message = count_messages(enc, messages)
            data["message_counts"] = [m.to_dict() for m in per_message]
            data["chat_overhead_tokens"] = total - sum(m.content_tokens for m in per_message)
        else:
            total = count_text(enc, text)
            data["char_count"] = len(text)
        data["token_count"] = total
        timings["count"] = (time.perf_counter() - started) * 1000

        fit = assess_fit(
            input_tokens=total,
            context_window=price.context_window,
            max_output_tokens=price.max_output_tokens,
            requested_output_tokens=requested_output,
            tenant_max_tokens=settings["max_tokens"],
            max_trim_ratio=settings["max_trim_ratio"],
        )
        findings = _fit_findings(fit, enc, text if messages is None else None)
        decision, reason = fit.decision, fit.reason

        billable = total
        if optimize:
            started = time.perf_counter()
            opt_data, opt_findings, billable = _optimize(
                enc, price, text, messages, total, fit, truncate=settings["truncate_to_fit"])
            data["optimization"] = opt_data
            findings.extend(opt_findings)
            if fit.decision == TRIM and opt_data["optimized_tokens"] <= fit.limit:
                reason += " The optimized text fits."
            timings["optimize"] = (time.perf_counter() - started) * 1000

        data["context_window"] = price.context_window
        data["max_output_tokens"] = price.max_output_tokens
        data["fit"] = fit.to_dict()
        data["cost"] = cost_estimate(price, input_tokens=total, output_tokens=fit.reserved_output_tokens)
        data["pricing"] = table.describe()

        budget = None
        if settings["budget_tokens"] > 0:
            if context.budgets is None:
                notes.append("A token budget is configured but no budget store is available.")
            elif decision != REJECT:
                status = budget_check_and_charge(
                    context.budgets, limit=settings["budget_tokens"], period=settings["budget_period"],
                    tokens=billable, enforce=settings["enforce_budget"], now=datetime.now(UTC))
                budget = status.to_dict()
                if status.exceeded:
                    findings.append(Finding(
                        type="budget_exceeded", category="budget",
                        severity="high" if settings["enforce_budget"] else "medium",
                        score=min(1.0, (status.used + (0 if status.charged else billable)) / status.limit),
                        message=f"The {status.period}ly budget of {status.limit} tokens would be exceeded "
                                f"({status.used} used).",
                        source="budget", detail=budget))
                    if settings["enforce_budget"]:
                        decision = REJECT
                        reason = (f"Token budget exhausted: {status.used} of {status.limit} tokens used "
                                  f"this {status.period}; {billable} more requested.")
        data["budget"] = budget
        data["reason"] = reason
        data["notes"] = notes
        return GuardResult(decision=decision, score=fit.utilization, findings=findings, data=data,
                           version=self.version, timings_ms=timings)


def _fit_findings(fit: Fit, enc: tiktoken.Encoding, text: str | None) -> list[Finding]:
    if fit.overflow_tokens == 0 and fit.decision != REJECT:
        return []
    start = end = None
    if text is not None and fit.overflow_tokens:
        # The overflowing tail begins where token number ``limit`` begins.
        tokens = enc.encode_ordinary(text)
        _, offsets = enc.decode_with_offsets(tokens[: fit.limit + 1])
        start, end = (offsets[fit.limit] if fit.limit < len(offsets) else len(text)), len(text)
    return [Finding(
        type="context_overflow" if fit.overflow_tokens else "output_limit",
        category="fit",
        severity="high" if fit.decision == REJECT else "medium",
        score=fit.utilization if fit.overflow_tokens == 0 else min(1.0, fit.overflow_tokens / fit.input_tokens + 0.5),
        start=start, end=end,
        message=fit.reason,
        detail={"overflow_tokens": fit.overflow_tokens, "limit_tokens": fit.limit},
    )]


def _optimize(
    enc: tiktoken.Encoding, price: ModelPrice, text: str, messages: list | None, total: int, fit: Fit,
    *, truncate: bool,
) -> tuple[dict[str, Any], list[Finding], int]:
    """Optimize the text (or each message); return the report, edit findings, new count."""
    def count(s: str) -> int:
        return count_text(enc, s)

    findings: list[Finding] = []
    kinds: dict[str, int] = {}
    out: dict[str, Any] = {}
    if messages is None:
        budget = fit.limit if truncate and fit.overflow_tokens and fit.decision == TRIM else None
        result = optimize_text(text, count=count, budget=budget)
        optimized_tokens = count(result.text)
        _edit_findings(result, text, "text", findings)
        kinds = result.counts
        out["optimized_text"] = result.text
        out["truncated"] = bool(result.truncation and result.truncation.cut_at)
        out["truncated_at"] = result.truncation.cut_at if result.truncation else None
        out["protected_spans"] = result.protected_spans
    else:
        optimized_messages = []
        optimized_tokens = total
        protected = 0
        for i, msg in enumerate(messages):
            result = optimize_text(msg.content, count=count)
            optimized_tokens -= count(msg.content) - count(result.text)
            _edit_findings(result, msg.content, f"messages[{i}].content", findings)
            for kind, n in result.counts.items():
                kinds[kind] = kinds.get(kind, 0) + n
            protected += result.protected_spans
            item = {"role": msg.role, "content": result.text}
            if msg.name is not None:
                item["name"] = msg.name
            optimized_messages.append(item)
        out["optimized_messages"] = optimized_messages
        out["truncated"] = False
        out["truncated_at"] = None
        out["protected_spans"] = protected
    saved = total - optimized_tokens
    out.update({
        "original_tokens": total,
        "optimized_tokens": optimized_tokens,
        "tokens_saved": saved,
        "saving": float(token_cost(saved, price.input_per_1m)),
        "saving_ratio": round(saved / total, 4) if total else 0.0,
        "edits": kinds,
    })
    return out, findings[:MAX_EDIT_FINDINGS], optimized_tokens


_EDIT_MESSAGES = {
    "boilerplate": "Filler phrase shortened or removed.",
    "duplicate_line": "Repeated line removed.",
    "duplicate_sentence": "Repeated sentence removed.",
}


def _edit_findings(result: Optimization, original: str, source: str, findings: list[Finding]) -> None:
    for edit in result.edits:
        if edit.kind not in _EDIT_MESSAGES:
            continue  # whitespace edits are counted, not listed
        span = original[edit.start : edit.end]
        findings.append(Finding(
            type=edit.kind, category="optimization", severity="info",
            score=min(1.0, len(span) / max(1, len(original))),
            start=edit.start, end=edit.end, evidence=span[:80], message=_EDIT_MESSAGES[edit.kind],
            source=source, detail={"replacement": edit.replacement},
        ))
