"""The job handlers, one module per kind; `HANDLERS` maps each kind to its `run`."""

from __future__ import annotations

from typing import Final

from bot.scheduler.context import Handler
from bot.scheduler.jobs import (
    callback,
    callback_reminder,
    critical_repeat,
    cross_department,
    danger_unanswered,
    deadline_overdue,
    deadline_reminder,
    family_contact,
    major_complaint,
    monthly_report,
    online_answer,
    online_digest,
    online_report,
    result_notice,
    spot_check,
    watch,
)

_MODULES: Final = (
    watch,
    deadline_reminder,
    deadline_overdue,
    critical_repeat,
    family_contact,
    danger_unanswered,
    cross_department,
    major_complaint,
    online_answer,
    online_report,
    online_digest,
    result_notice,
    callback,
    callback_reminder,
    spot_check,
    monthly_report,
)

#: kind -> handler.
HANDLERS: Final[dict[str, Handler]] = {module.KIND: module.run for module in _MODULES}

__all__ = ["HANDLERS"]
