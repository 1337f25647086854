"""Typed policy objects: deadlines, complaint tiers, callbacks, prices, FAQ and departments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from storage.vocabulary import Category, Department, StaffRole, TicketType, Urgency


@dataclass(frozen=True)
class DeadlineSpec:
    """How long after a ticket opens each step is due; None means no commitment for that step."""

    respond: timedelta | None = None
    arrive: timedelta | None = None
    plan: timedelta | None = None
    resolve: timedelta | None = None


@dataclass(frozen=True)
class ComplaintTier:
    """一级/二级/三级 complaint: who owns it and how long it may take."""

    level: int
    name: str
    owner_role: StaffRole
    resolve: timedelta
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComplaintRules:
    """Complaint hand-off and reporting limits."""

    handoff: timedelta
    cross_department: timedelta
    cross_department_owner: Department
    online_answer: timedelta
    result_notice: timedelta
    tiers: dict[int, ComplaintTier]
    major_tier: int = 3  # 重大投诉: reported to the department manager the same day
    major_report_earliest: time = time(7, 0)  # a report falling earlier (local) waits for this time
    department_heads: dict[Department, StaffRole] = field(default_factory=dict)  # who manages each department
    online_report_roles: tuple[StaffRole, ...] = (StaffRole.GENERAL_MANAGER,)  # 网络投诉 reported to
    online_report: str = "digest"  # "digest" (a daily list) or "each" (every complaint at once)
    online_digest_time: time = time(17, 30)


@dataclass(frozen=True)
class CallbackWindow:
    """A local time range in which phone callbacks are allowed."""

    start: time
    end: time


@dataclass(frozen=True)
class CallbackRules:
    """When and how often to call residents back."""

    windows: tuple[CallbackWindow, ...]
    delay_days: dict[str, tuple[int, int]]
    rate: dict[str, float]
    weekdays: frozenset[int] = frozenset(range(1, 8))
    reminder_after: timedelta = timedelta(hours=24)
    busy_retry: timedelta = timedelta(minutes=30)
    ask_service_needs: bool = True  # the questionnaire's last question: which paid services the resident needs


@dataclass(frozen=True)
class QualityTargets:
    """KPI targets and thresholds."""

    satisfaction_target: float
    rework_alert_rate: float
    spot_check_rate: float
    provider_min_rating: int
    incident_survey_days: int
    spot_check_time: time = time(8, 30)


@dataclass(frozen=True)
class EscalationRules:
    """Deadline watching (§2, §4): reminder lead, the ladder told after a missed deadline, critical re-alerts."""

    ladder: tuple[StaffRole, ...]
    remind_before: dict[Urgency, timedelta]
    step: dict[Urgency, timedelta]
    critical_repeat: timedelta
    department_words: dict[Department, tuple[str, ...]]
    late_choices: tuple[timedelta, ...] = (timedelta(minutes=30), timedelta(hours=1), timedelta(hours=2))

    def departments_named(self, text: str) -> set[Department]:
        """The departments whose words occur in `text` (a complaint naming two or more spans departments)."""
        return {dept for dept, words in self.department_words.items() if any(word in text for word in words)}


@dataclass(frozen=True)
class ReportRules:
    """How the monthly KPI report reads surveys and tickets (§5, §7)."""

    low_score: int
    technician_roles: tuple[StaffRole, ...]
    feedback_categories: dict[str, str]
    callback_kind_by_type: dict[TicketType, str]
    callback_kind_by_category: dict[Category, str]
    monthly_send_day: int = 1  # the last month's report goes to the managers' group on this local day ...
    monthly_send_time: time = time(9, 0)  # ... at this local time

    def callback_kind(self, ticket_type: TicketType | str, category: Category | str) -> str:
        """The `[callbacks]` kind of a finished ticket: by its type, else its category, else "other"."""
        by_type = self.callback_kind_by_type.get(TicketType(ticket_type))
        return by_type or self.callback_kind_by_category.get(Category(category), "other")


@dataclass(frozen=True)
class PriceItem:
    """One published price of a value-added service."""

    code: str
    name: str
    price: Decimal
    unit: str


@dataclass(frozen=True)
class FaqAnswer:
    """A standard answer to a common question."""

    key: str
    question: str
    answer: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class ConversationRules:
    """How long a half-filled request waits, and how much a resident may attach."""

    idle: timedelta
    draft_keep: timedelta
    max_photos: int
    voice_retries: int = 2  # 不对 under a voice read-back before a call back is offered first
    callback_urgency: str = "urgent"  # urgency of a 叫人给我回电话 ticket
    callback_visit: bool = False  # the call-back ticket asks staff to visit instead of phoning
    danger_answer: timedelta = timedelta(minutes=3)  # an unanswered danger question becomes a call-back ticket
    danger_unanswered_urgency: str = "urgent"  # urgency of that ticket


@dataclass(frozen=True)
class EmergencyNumber:
    """A public emergency number (119/120/110) and the words that call for it."""

    key: str
    number: str
    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class BookingRules:
    """Which days and local time slots a value-added service can be booked for."""

    days_ahead: int
    slots: tuple[CallbackWindow, ...]


@dataclass(frozen=True)
class Policy:
    """A community's service policy, loaded and validated once."""

    timezone: ZoneInfo
    deadlines: dict[Urgency, DeadlineSpec]
    complaints: ComplaintRules
    callbacks: CallbackRules
    quality: QualityTargets
    departments: dict[Category, Department]
    department_names: dict[Department, str]
    prices: tuple[PriceItem, ...]
    faq: dict[str, FaqAnswer] = field(default_factory=dict)
    conversation: ConversationRules = ConversationRules(timedelta(minutes=30), timedelta(days=7), 9)
    emergency_numbers: tuple[EmergencyNumber, ...] = ()
    booking: BookingRules | None = None
    escalation: EscalationRules | None = None
    reports: ReportRules | None = None

    def deadline_for(self, kind: TicketType | str, urgency: Urgency | str, tier: int | None = None) -> DeadlineSpec:
        """Deadlines for a new ticket: complaints by tier (hand-off as response), others by urgency."""
        spec = self.deadlines[Urgency(urgency)]
        if TicketType(kind) is not TicketType.COMPLAINT:
            return spec
        rule = self.complaints.tiers[tier or 1]
        resolve = rule.resolve if spec.resolve is None else min(rule.resolve, spec.resolve)
        return DeadlineSpec(respond=self.complaints.handoff, arrive=spec.arrive, plan=spec.plan, resolve=resolve)

    def department_for(self, category: Category | str) -> Department:
        """The department that owns work of this category."""
        return self.departments[Category(category)]

    def complaint_owner(self, tier: int) -> StaffRole:
        """The role that owns a complaint of this tier."""
        return self.complaints.tiers[tier].owner_role

    def price(self, code: str) -> PriceItem:
        """The published price with this code; raises KeyError."""
        for item in self.prices:
            if item.code == code:
                return item
        raise KeyError(code)

    def emergency_numbers_for(self, text: str) -> tuple[EmergencyNumber, ...]:
        """The emergency numbers whose keywords occur in `text`; every number when none does."""
        matched = tuple(n for n in self.emergency_numbers if any(word in text for word in n.keywords))
        return matched or self.emergency_numbers

    def in_callback_window(self, when: datetime) -> bool:
        """True when `when` (aware) falls inside a phone-callback window, local time."""
        local = when.astimezone(self.timezone)
        if local.isoweekday() not in self.callbacks.weekdays:
            return False
        return any(w.start <= local.time() < w.end for w in self.callbacks.windows)

    def next_callback_slot(self, after: datetime) -> datetime:
        """The first moment at or after `after` inside a callback window (aware, same zone as input)."""
        local = after.astimezone(self.timezone)
        for day in range(8):
            date = (local + timedelta(days=day)).date()
            if date.isoweekday() not in self.callbacks.weekdays:
                continue
            for window in sorted(self.callbacks.windows, key=lambda w: w.start):
                start = datetime.combine(date, window.start, self.timezone)
                end = datetime.combine(date, window.end, self.timezone)
                if end <= local:
                    continue
                return max(start, local).astimezone(after.tzinfo)
        raise ValueError("no callback window configured")
