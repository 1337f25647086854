"""Load a community policy: TOML merged over `default.toml`, validated into `Policy` objects.

Every error is a `PolicyError` naming the dotted key and the reason.
"""

from __future__ import annotations

import copy
import tomllib
from datetime import time, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.errors import PolicyError
from storage.policy.schema import (
    BookingRules,
    CallbackRules,
    CallbackWindow,
    ComplaintRules,
    ComplaintTier,
    ConversationRules,
    DeadlineSpec,
    EmergencyNumber,
    EscalationRules,
    FaqAnswer,
    Policy,
    PriceItem,
    QualityTargets,
    ReportRules,
)
from storage.vocabulary import Category, Department, StaffRole, TicketType, Urgency

#: The default policy file shipped with the package.
DEFAULT_POLICY_PATH = Path(__file__).with_name("default.toml")

_TOP_KEYS = {
    "timezone",
    "deadlines",
    "complaints",
    "callbacks",
    "quality",
    "departments",
    "department_names",
    "prices",
    "faq",
    "conversation",
    "emergency",
    "booking",
    "escalation",
    "reports",
}


def load_policy(text: str | None = None) -> Policy:
    """Parse `text` (a community's TOML, possibly partial) over the defaults; raises PolicyError."""
    data = copy.deepcopy(_default_data())
    if text:
        try:
            override = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise PolicyError("(file)", f"not valid TOML: {error}") from error
        _merge(data, override, "")
    return build_policy(data)


def load_policy_file(path: str | Path) -> Policy:
    """Read and validate a policy file; raises PolicyError (also for an unreadable file)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError("(file)", f"cannot read {path}: {error.strerror}") from error
    return load_policy(text)


@cache
def default_policy() -> Policy:
    """The validated defaults (cached)."""
    return build_policy(copy.deepcopy(_default_data()))


@cache
def _default_data() -> dict[str, Any]:
    return tomllib.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))


def _merge(base: dict[str, Any], override: dict[str, Any], prefix: str) -> None:
    """Deep-merge tables; lists and scalars replace. Unknown top-level keys are errors."""
    for key, value in override.items():
        path = f"{prefix}{key}"
        if not prefix and key not in _TOP_KEYS:
            raise PolicyError(path, f"unknown key (expected one of {', '.join(sorted(_TOP_KEYS))})")
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value, f"{path}.")
        else:
            base[key] = value


def build_policy(data: dict[str, Any]) -> Policy:
    """Validate a fully merged policy dict into a `Policy`; raises PolicyError."""
    policy = Policy(
        timezone=_zone(data, "timezone"),
        deadlines=_deadlines(_table(data, "deadlines")),
        complaints=_complaints(_table(data, "complaints")),
        callbacks=_callbacks(_table(data, "callbacks")),
        quality=_quality(_table(data, "quality")),
        departments=_departments(_table(data, "departments")),
        department_names=_department_names(_table(data, "department_names")),
        prices=_prices(data.get("prices", [])),
        faq=_faq(_table(data, "faq")),
        conversation=_conversation(_table(data, "conversation")),
        emergency_numbers=_emergency_numbers(_table(_table(data, "emergency"), "numbers", "emergency.")),
        booking=_booking(_table(data, "booking")),
        escalation=_escalation(_table(data, "escalation")),
        reports=_reports(_table(data, "reports")),
    )
    return policy


def _table(data: dict[str, Any], key: str, prefix: str = "") -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise PolicyError(prefix + key, "missing table" if value is None else "must be a table")
    return value


def _zone(data: dict[str, Any], key: str) -> ZoneInfo:
    value = data.get(key)
    if not isinstance(value, str):
        raise PolicyError(key, "must be an IANA time zone name such as Asia/Shanghai")
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise PolicyError(key, f"unknown time zone {value!r}") from error


def _minutes(table: dict[str, Any], key: str, path: str, *, required: bool = True) -> timedelta | None:
    value = table.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PolicyError(f"{path}.{key}", f"must be a positive whole number of minutes, got {value!r}")
    return timedelta(minutes=value)


def _check_keys(table: dict[str, Any], allowed: set[str], path: str) -> None:
    for key in table:
        if key not in allowed:
            raise PolicyError(f"{path}.{key}", f"unknown key (expected one of {', '.join(sorted(allowed))})")


def _deadlines(table: dict[str, Any]) -> dict[Urgency, DeadlineSpec]:
    result = {}
    _check_keys(table, {u.value for u in Urgency}, "deadlines")
    for urgency in Urgency:
        path = f"deadlines.{urgency.value}"
        spec = _table(table, urgency.value, "deadlines.")
        fields = {"respond", "arrive", "plan", "resolve"}
        _check_keys(spec, {f"{name}_minutes" for name in fields}, path)
        values = {name: _minutes(spec, f"{name}_minutes", path, required=False) for name in fields}
        if values["respond"] is None:
            raise PolicyError(f"{path}.respond_minutes", "every urgency needs a response time")
        if values["resolve"] and values["arrive"] and values["arrive"] > values["resolve"]:
            raise PolicyError(f"{path}.arrive_minutes", "arrival cannot be due after resolution")
        result[urgency] = DeadlineSpec(**values)
    order = [result[u].respond for u in (Urgency.CRITICAL, Urgency.URGENT, Urgency.NORMAL)]
    if order != sorted(order):  # type: ignore[type-var]
        raise PolicyError("deadlines", "a more urgent level cannot have a longer response time")
    return result


def _complaints(table: dict[str, Any]) -> ComplaintRules:
    path = "complaints"
    tiers_table = _table(table, "tiers", "complaints.")
    tiers = {}
    for key, raw in tiers_table.items():
        tier_path = f"{path}.tiers.{key}"
        if key not in {"1", "2", "3"}:
            raise PolicyError(tier_path, "complaint tiers are 1, 2 and 3")
        if not isinstance(raw, dict):
            raise PolicyError(tier_path, "must be a table")
        _check_keys(raw, {"name", "owner_role", "resolve_minutes", "examples"}, tier_path)
        tiers[int(key)] = ComplaintTier(
            level=int(key),
            name=_text(raw, "name", tier_path),
            owner_role=_enum(StaffRole, raw.get("owner_role"), f"{tier_path}.owner_role"),
            resolve=_minutes(raw, "resolve_minutes", tier_path),  # type: ignore[arg-type]
            examples=tuple(_strings(raw.get("examples", []), f"{tier_path}.examples")),
        )
    missing = {1, 2, 3} - set(tiers)
    if missing:
        raise PolicyError(f"{path}.tiers.{min(missing)}", "missing tier")
    return ComplaintRules(
        handoff=_minutes(table, "handoff_minutes", path),  # type: ignore[arg-type]
        cross_department=_minutes(table, "cross_department_minutes", path),  # type: ignore[arg-type]
        cross_department_owner=_enum(Department, table.get("cross_department_owner"), f"{path}.cross_department_owner"),
        online_answer=_minutes(table, "online_answer_minutes", path),  # type: ignore[arg-type]
        result_notice=_minutes(table, "result_notice_minutes", path),  # type: ignore[arg-type]
        tiers=tiers,
        **_complaint_reports(table, path),
    )


def _complaint_reports(table: dict[str, Any], path: str) -> dict[str, Any]:
    """The same-day report of major complaints and the general manager's report of online complaints (§4)."""
    major = table.get("major_tier", 3)
    if type(major) is not int or not 1 <= major <= 3:
        raise PolicyError(f"{path}.major_tier", f"must be a complaint tier 1, 2 or 3, got {major!r}")
    mode = table.get("online_report", "digest")
    if mode not in ("digest", "each"):
        raise PolicyError(f"{path}.online_report", f'must be "digest" or "each", got {mode!r}')
    roles = table.get("online_report_roles", ["general_manager"])
    heads = table.get("department_heads", {})
    if not isinstance(heads, dict):
        raise PolicyError(f"{path}.department_heads", "must be a table")
    return {
        "major_tier": major,
        "major_report_earliest": _clock_time(
            table.get("major_report_earliest", "07:00"), f"{path}.major_report_earliest"
        ),
        "department_heads": {
            _enum(Department, key, f"{path}.department_heads"): _enum(StaffRole, role, f"{path}.department_heads.{key}")
            for key, role in heads.items()
        },
        "online_report_roles": tuple(
            _enum(StaffRole, role, f"{path}.online_report_roles")
            for role in _strings(roles, f"{path}.online_report_roles")
        ),
        "online_report": mode,
        "online_digest_time": _clock_time(table.get("online_digest_time", "17:30"), f"{path}.online_digest_time"),
    }


def _callbacks(table: dict[str, Any]) -> CallbackRules:
    path = "callbacks"
    windows = []
    for index, raw in enumerate(table.get("windows") or []):
        windows.append(_window(raw, f"{path}.windows[{index}]"))
    if not windows:
        raise PolicyError(f"{path}.windows", 'needs at least one window like "10:00-11:30"')
    delays = {}
    for kind, raw in _table(table, "delay_days", "callbacks.").items():
        key = f"{path}.delay_days.{kind}"
        if not (isinstance(raw, list) and len(raw) == 2 and all(type(v) is int for v in raw)):
            raise PolicyError(key, f"must be [earliest, latest] whole days, got {raw!r}")
        if not 0 <= raw[0] <= raw[1]:
            raise PolicyError(key, f"earliest must be >= 0 and <= latest, got {raw!r}")
        delays[kind] = (raw[0], raw[1])
    rates = {}
    for kind, raw in _table(table, "rate", "callbacks.").items():
        rates[kind] = _fraction(raw, f"{path}.rate.{kind}")
    return CallbackRules(
        windows=tuple(windows),
        delay_days=delays,
        rate=rates,
        weekdays=_weekdays(table.get("weekdays", list(range(1, 8))), f"{path}.weekdays"),
        reminder_after=_minutes(table, "reminder_after_minutes", path),  # type: ignore[arg-type]
        busy_retry=_minutes(table, "busy_retry_minutes", path),  # type: ignore[arg-type]
        ask_service_needs=_flag(table, "ask_service_needs", path, default=True),
    )


def _flag(table: dict[str, Any], key: str, path: str, *, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise PolicyError(f"{path}.{key}", f"must be true or false, got {value!r}")
    return value


def _weekdays(raw: Any, key: str) -> frozenset[int]:
    if not (isinstance(raw, list) and raw and all(type(v) is int and 1 <= v <= 7 for v in raw)):
        raise PolicyError(key, f"must be a non-empty list of ISO weekdays 1-7 (1 = Monday), got {raw!r}")
    return frozenset(raw)


def _escalation(table: dict[str, Any]) -> EscalationRules:
    path = "escalation"
    _check_keys(
        table,
        {"ladder", "critical_repeat_minutes", "remind_before_minutes", "step_minutes", "department_words"}
        | {"late_choices_minutes"},
        path,
    )
    late = table.get("late_choices_minutes", [30, 60, 120])
    if not isinstance(late, list) or not late or not all(type(m) is int and 0 < m <= 24 * 60 for m in late):
        raise PolicyError(f"{path}.late_choices_minutes", f"must be a list of minutes from 1 to 1440, got {late!r}")
    ladder = tuple(_enum(StaffRole, role, f"{path}.ladder") for role in _strings(table.get("ladder"), f"{path}.ladder"))
    if not ladder:
        raise PolicyError(f"{path}.ladder", "needs at least one role")
    by_urgency = {}
    for name in ("remind_before_minutes", "step_minutes"):
        sub = _table(table, name, "escalation.")
        _check_keys(sub, {u.value for u in Urgency}, f"{path}.{name}")
        by_urgency[name] = {u: _minutes(sub, u.value, f"{path}.{name}") for u in Urgency}
    words = _table(table, "department_words", "escalation.")
    return EscalationRules(
        ladder=ladder,
        remind_before=by_urgency["remind_before_minutes"],  # type: ignore[arg-type]
        step=by_urgency["step_minutes"],  # type: ignore[arg-type]
        critical_repeat=_minutes(table, "critical_repeat_minutes", path),  # type: ignore[arg-type]
        late_choices=tuple(timedelta(minutes=m) for m in late),
        department_words={
            _enum(Department, key, f"{path}.department_words"): tuple(_strings(value, f"{path}.department_words.{key}"))
            for key, value in words.items()
        },
    )


def _window(raw: Any, key: str) -> CallbackWindow:
    try:
        start_text, end_text = str(raw).split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError as error:
        raise PolicyError(key, f'must look like "10:00-11:30", got {raw!r}') from error
    if start >= end:
        raise PolicyError(key, f"the window must end after it starts, got {raw!r}")
    return CallbackWindow(start, end)


def _quality(table: dict[str, Any]) -> QualityTargets:
    path = "quality"
    rating = table.get("provider_min_rating")
    if type(rating) is not int or not 1 <= rating <= 5:
        raise PolicyError(f"{path}.provider_min_rating", f"must be a rating from 1 to 5, got {rating!r}")
    days = table.get("incident_survey_days")
    if type(days) is not int or days < 0:
        raise PolicyError(f"{path}.incident_survey_days", f"must be a whole number of days >= 0, got {days!r}")
    return QualityTargets(
        satisfaction_target=_fraction(table.get("satisfaction_target"), f"{path}.satisfaction_target"),
        rework_alert_rate=_fraction(table.get("rework_alert_rate"), f"{path}.rework_alert_rate"),
        spot_check_rate=_fraction(table.get("spot_check_rate"), f"{path}.spot_check_rate"),
        provider_min_rating=rating,
        incident_survey_days=days,
        spot_check_time=_clock_time(table.get("spot_check_time", "08:30"), f"{path}.spot_check_time"),
    )


def _clock_time(raw: Any, key: str) -> time:
    try:
        return time.fromisoformat(str(raw))
    except ValueError as error:
        raise PolicyError(key, f'must be a local time like "08:30", got {raw!r}') from error


def _departments(table: dict[str, Any]) -> dict[Category, Department]:
    _check_keys(table, {c.value for c in Category}, "departments")
    result = {}
    for category in Category:
        if category.value not in table:
            raise PolicyError(f"departments.{category.value}", "missing: every category needs a department")
        result[category] = _enum(Department, table[category.value], f"departments.{category.value}")
    return result


def _department_names(table: dict[str, Any]) -> dict[Department, str]:
    _check_keys(table, {d.value for d in Department}, "department_names")
    return {Department(key): _text(table, key, "department_names") for key in table}


def _prices(raw: Any) -> tuple[PriceItem, ...]:
    if not isinstance(raw, list):
        raise PolicyError("prices", "must be a list of [[prices]] tables")
    items, seen = [], set()
    for index, entry in enumerate(raw):
        path = f"prices[{index}]"
        if not isinstance(entry, dict):
            raise PolicyError(path, "must be a table")
        _check_keys(entry, {"code", "name", "price", "unit"}, path)
        code = _text(entry, "code", path)
        if code in seen:
            raise PolicyError(f"{path}.code", f"duplicate price code {code!r}")
        seen.add(code)
        try:
            price = Decimal(str(entry.get("price")))
        except InvalidOperation as error:
            raise PolicyError(f"{path}.price", f"must be a number of 元, got {entry.get('price')!r}") from error
        if not price.is_finite() or price < 0:
            raise PolicyError(f"{path}.price", f"must be a number of 元 >= 0, got {entry.get('price')!r}")
        items.append(
            PriceItem(code=code, name=_text(entry, "name", path), price=price, unit=_text(entry, "unit", path))
        )
    return tuple(items)


def _faq(table: dict[str, Any]) -> dict[str, FaqAnswer]:
    result = {}
    for key, raw in table.items():
        path = f"faq.{key}"
        if not isinstance(raw, dict):
            raise PolicyError(path, "must be a table with question, answer and keywords")
        _check_keys(raw, {"question", "answer", "keywords"}, path)
        keywords = tuple(_strings(raw.get("keywords"), f"{path}.keywords"))
        if not keywords:
            raise PolicyError(f"{path}.keywords", "needs at least one keyword")
        result[key] = FaqAnswer(
            key=key, question=_text(raw, "question", path), answer=_text(raw, "answer", path), keywords=keywords
        )
    return result


def _conversation(table: dict[str, Any]) -> ConversationRules:
    path = "conversation"
    _check_keys(
        table,
        {
            "idle_minutes",
            "draft_keep_days",
            "max_photos",
            "voice_retries",
            "callback_urgency",
            "callback_visit",
            "danger_answer_minutes",
            "danger_unanswered_urgency",
        },
        path,
    )
    urgency = _urgency(table, "callback_urgency", path)
    danger_urgency = _urgency(table, "danger_unanswered_urgency", path)
    visit = table.get("callback_visit", False)
    if not isinstance(visit, bool):
        raise PolicyError(f"{path}.callback_visit", "must be true or false")
    return ConversationRules(
        idle=_minutes(table, "idle_minutes", path),  # type: ignore[arg-type]
        draft_keep=timedelta(days=_count(table, "draft_keep_days", path)),
        max_photos=_count(table, "max_photos", path),
        voice_retries=_count(table, "voice_retries", path) if "voice_retries" in table else 2,
        callback_urgency=urgency,
        callback_visit=visit,
        danger_answer=_minutes(table, "danger_answer_minutes", path, required=False) or ConversationRules.danger_answer,
        danger_unanswered_urgency=danger_urgency,
    )


def _urgency(table: dict[str, Any], key: str, path: str) -> str:
    """An urgency setting (normal, urgent or critical); urgent when absent."""
    urgency = table.get(key, "urgent")
    if urgency not in ("normal", "urgent", "critical"):
        raise PolicyError(f"{path}.{key}", "must be normal, urgent or critical")
    return urgency


def _emergency_numbers(table: dict[str, Any]) -> tuple[EmergencyNumber, ...]:
    numbers = []
    for key, raw in table.items():
        path = f"emergency.numbers.{key}"
        if not isinstance(raw, dict):
            raise PolicyError(path, "must be a table with number, name and keywords")
        _check_keys(raw, {"number", "name", "keywords"}, path)
        numbers.append(
            EmergencyNumber(
                key=key,
                number=_text(raw, "number", path),
                name=_text(raw, "name", path),
                keywords=tuple(_strings(raw.get("keywords", []), f"{path}.keywords")),
            )
        )
    if not numbers:
        raise PolicyError("emergency.numbers", "needs at least one emergency number")
    return tuple(numbers)


def _booking(table: dict[str, Any]) -> BookingRules:
    path = "booking"
    _check_keys(table, {"days_ahead", "slots"}, path)
    slots = tuple(_window(raw, f"{path}.slots[{index}]") for index, raw in enumerate(table.get("slots") or []))
    if not slots:
        raise PolicyError(f"{path}.slots", 'needs at least one slot like "09:00-12:00"')
    return BookingRules(days_ahead=_count(table, "days_ahead", path), slots=slots)


def _reports(table: dict[str, Any]) -> ReportRules:
    path = "reports"
    _check_keys(
        table,
        {"low_score", "technician_roles", "feedback_categories", "callback_kind"}
        | {"monthly_send_day", "monthly_send_time"},
        path,
    )
    send_day = table.get("monthly_send_day", 1)
    if type(send_day) is not int or not 1 <= send_day <= 28:
        raise PolicyError(f"{path}.monthly_send_day", f"must be a day of the month from 1 to 28, got {send_day!r}")
    low = table.get("low_score")
    if type(low) is not int or not 1 <= low <= 4:
        raise PolicyError(f"{path}.low_score", f"must be a score from 1 to 4, got {low!r}")
    roles = _strings(table.get("technician_roles"), f"{path}.technician_roles")
    if not roles:
        raise PolicyError(f"{path}.technician_roles", "needs at least one role")
    categories = _table(table, "feedback_categories", "reports.")
    _check_keys(categories, {"attitude", "speed", "result", "value_added"}, f"{path}.feedback_categories")
    kinds = _table(table, "callback_kind", "reports.")
    _check_keys(kinds, {"by_type", "by_category"}, f"{path}.callback_kind")
    return ReportRules(
        low_score=low,
        technician_roles=tuple(_enum(StaffRole, r, f"{path}.technician_roles") for r in roles),
        feedback_categories={key: _text(categories, key, f"{path}.feedback_categories") for key in categories},
        callback_kind_by_type=_kind_map(kinds, "by_type", TicketType),
        callback_kind_by_category=_kind_map(kinds, "by_category", Category),
        monthly_send_day=send_day,
        monthly_send_time=_clock_time(table.get("monthly_send_time", "09:00"), f"{path}.monthly_send_time"),
    )


def _kind_map(kinds: dict[str, Any], key: str, kind: type) -> dict[Any, str]:
    path = f"reports.callback_kind.{key}"
    table = _table(kinds, key, "reports.callback_kind.")
    return {_enum(kind, name, path): _text(table, name, path) for name in table}


def _count(table: dict[str, Any], key: str, path: str) -> int:
    value = table.get(key)
    if type(value) is not int or value <= 0:
        raise PolicyError(f"{path}.{key}", f"must be a positive whole number, got {value!r}")
    return value


def _text(table: dict[str, Any], key: str, path: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(f"{path}.{key}", f"must be non-empty text, got {value!r}")
    return value.strip()


def _strings(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PolicyError(path, f"must be a list of non-empty strings, got {value!r}")
    return [v.strip() for v in value]


def _fraction(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise PolicyError(path, f"must be a fraction between 0 and 1, got {value!r}")
    return float(value)


def _enum(kind: type, value: Any, path: str):  # type: ignore[no-untyped-def]
    try:
        return kind(value)
    except ValueError as error:
        choices = ", ".join(member.value for member in kind)  # type: ignore[attr-defined]
        raise PolicyError(path, f"unknown value {value!r} (expected one of {choices})") from error
