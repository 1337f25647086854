"""The figures of a report, as frozen dataclasses (what the CLI, CSV, charts and the console read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Counts:
    """Tickets opened in the period and where they stand at `as_of` (every enum value present, zeros too)."""

    created: int
    completed: int  # resolved (awaiting confirmation) or closed
    closed: int
    confirmed: int  # closed by the resident's confirmation
    cancelled: int
    merged: int  # linked to another ticket as a duplicate
    open: int
    by_type: dict[str, int]
    by_category: dict[str, int]
    by_urgency: dict[str, int]
    by_tier: dict[int, int]  # complaints only


@dataclass(frozen=True)
class StepCompliance:
    """One deadline (respond / arrive / resolve) over a group of tickets."""

    met: int  # done on or before the deadline
    missed: int  # done late, or not done and the deadline has passed
    pending: int  # not done, deadline still ahead
    rate: float | None  # met / (met + missed)


@dataclass(frozen=True)
class UrgencyCompliance:
    """Deadline compliance of the tickets of one urgency."""

    urgency: str
    tickets: int
    respond: StepCompliance
    arrive: StepCompliance
    resolve: StepCompliance


@dataclass(frozen=True)
class TechnicianStats:
    """Work of one staff member who resolved tickets of the period (first resolution counts)."""

    staff_id: int
    name: str
    role: str
    completed: int
    reworked: int
    rework_rate: float | None
    flagged: bool  # rework_rate above policy quality.rework_alert_rate
    tickets_per_day: float | None


@dataclass(frozen=True)
class CallbackStats:
    """Callbacks of one kind (policy [callbacks.rate]): how many were due and how many were done."""

    kind: str
    target: float  # the policy rate
    completed: int  # finished tickets of this kind
    due: int  # finished long enough ago that the callback's latest day has come, or already called back
    required: int  # ceil(target × due)
    done: int  # due tickets with a callback answer
    rate: float | None  # min(done, required) / required


@dataclass(frozen=True)
class ComplaintBreakdown:
    """Complaints by category and tier (every category and tier present, zeros too)."""

    total: int
    by_category: dict[str, int]
    by_tier: dict[int, int]
    by_category_tier: dict[tuple[str, int], int]


@dataclass(frozen=True)
class DayFigures:
    """One local day of the period: tickets opened and survey satisfaction."""

    day: date
    created: int
    answers: int  # answers that say satisfied or not
    satisfied: int
    satisfaction_rate: float | None


@dataclass(frozen=True)
class MonthlyReport:
    """The monthly KPI report of one community (service-policy §3, §5, §7). Rates are 0..1, None without data."""

    community_id: int
    community_code: str
    community_name: str
    month: str
    timezone: str
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    as_of: datetime  # events after this are ignored
    days: int  # local days of the month elapsed at as_of
    counts: Counts
    satisfaction_rate: float | None
    satisfaction_target: float
    survey_answers: int
    complaint_rate: float | None  # complaints / tickets opened
    completion_rate: float | None  # completed / (opened - cancelled - merged)
    confirmation_rate: float | None  # resident-confirmed / completed
    rework_rate: float | None  # reopened at least once / completed
    rework_alert_rate: float
    callback_rate: float | None  # Σ min(done, required) / Σ required
    callbacks: tuple[CallbackStats, ...]
    deadlines: tuple[UrgencyCompliance, ...]  # critical, urgent, normal
    avg_response_minutes: float | None
    avg_resolution_minutes: float | None
    tickets_per_technician_per_day: float | None
    technicians: tuple[TechnicianStats, ...]
    complaints: ComplaintBreakdown
    feedback: dict[str, int]  # feedback category (attitude/speed/result/value_added) -> answers naming it
    feedback_labels: dict[str, str]  # feedback category -> its name in the policy (服务态度 ...)
    daily: tuple[DayFigures, ...]

    @property
    def flagged_technicians(self) -> tuple[TechnicianStats, ...]:
        """Staff whose rework rate is above the policy's alert rate (retraining, §3)."""
        return tuple(t for t in self.technicians if t.flagged)

    @property
    def response_compliance(self) -> float | None:
        """Response-time compliance over every urgency."""
        met = sum(u.respond.met for u in self.deadlines)
        missed = sum(u.respond.missed for u in self.deadlines)
        return met / (met + missed) if met + missed else None


@dataclass(frozen=True)
class QuarterlyComplaints:
    """Complaints opened in a quarter, by category and tier and by month (001: quarterly statistics)."""

    community_id: int
    quarter: str
    start: datetime
    end: datetime
    as_of: datetime
    complaints: ComplaintBreakdown
    by_month: dict[str, int]
