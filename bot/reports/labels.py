"""Chinese names for the report's row keys (from the wording file; the English key when none fits)."""

from __future__ import annotations

from dialogs.wording import Wording, default_wording

#: Row-key prefixes whose last part is a value of a labelled word list.
_LISTS = {
    "by_type": "labels.type",
    "by_category": "labels.category",
    "complaints.category": "labels.category",
    "by_urgency": "labels.urgency",
    "callback": "reports.callback_kinds",
}


def row_label(key: str, wording: Wording | None = None, feedback_labels: dict[str, str] | None = None) -> str:
    """The Chinese label of a `report_rows` key, e.g. "by_category.engineering" -> "类别·工程维修"."""
    w = wording or default_wording()
    direct = f"reports.rows.{key}"
    if direct in w:
        return w(direct)
    head, _, last = key.rpartition(".")
    if head in _LISTS:
        return f"{w(f'reports.rows.{head}')}·{_or_key(w, f'{_LISTS[head]}.{last}')}"
    if head == "complaints.tier":
        return f"{w('reports.rows.complaints.tier')}·{w('reports.tier', level=last)}"
    if head in ("complaints.month", "day"):
        return f"{w(f'reports.rows.{head}')}·{last}"
    if head == "feedback":
        return f"{w('reports.rows.feedback')}·{(feedback_labels or {}).get(last, last)}"
    parts = key.split(".")
    if parts[0] == "deadline" and len(parts) == 3:
        return "·".join(
            (
                w("reports.rows.deadline"),
                _or_key(w, f"labels.urgency.{parts[1]}"),
                _or_key(w, f"reports.step_{parts[2]}"),
            )
        )
    if parts[0] == "technician" and len(parts) >= 3:
        return f"{w('reports.rows.technician')}·{'.'.join(parts[2:])}"
    return key


def _or_key(w: Wording, key: str) -> str:
    return w(key) if key in w else key.rpartition(".")[2].removeprefix("step_")


def labelled_rows(
    rows: list[tuple[str, str]], wording: Wording | None = None, feedback_labels: dict[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(key, Chinese label, value) for each (key, value) row."""
    return [(key, row_label(key, wording, feedback_labels), value) for key, value in rows]
