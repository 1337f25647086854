"""Answer common questions from the policy's FAQ; no match means a person answers (never 不知道)."""

from __future__ import annotations

from storage.policy.schema import FaqAnswer, Policy


def answer_question(policy: Policy, text: str) -> FaqAnswer | None:
    """The FAQ entry whose keywords best cover `text` (longest matched keywords win), or None."""
    best: tuple[int, int, FaqAnswer] | None = None
    for entry in policy.faq.values():
        hits = [k for k in entry.keywords if k in text]
        if not hits:
            continue
        score = (sum(len(k) for k in hits), len(hits))
        if best is None or score > best[:2]:
            best = (*score, entry)
    return best[2] if best else None
