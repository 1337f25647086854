"""The closed word lists shared by every model: ticket kinds, urgencies, categories, channels, roles."""

from __future__ import annotations

from enum import StrEnum


class TicketType(StrEnum):
    """What the resident asks for (same strings as `nlu.parse`)."""

    REPAIR = "repair"
    INQUIRY = "inquiry"
    COMPLAINT = "complaint"
    OTHER = "other"


class Urgency(StrEnum):
    """普通 / 紧急 / 特急."""

    NORMAL = "normal"
    URGENT = "urgent"
    CRITICAL = "critical"


class Category(StrEnum):
    """Service category (same strings as `nlu.parse`)."""

    ENGINEERING = "engineering"
    CLEANING_GREENING = "cleaning_greening"
    SECURITY_ORDER = "security_order"
    SERVICE_ATTITUDE = "service_attitude"
    FEES = "fees"
    VALUE_ADDED = "value_added"
    OTHER = "other"


class Channel(StrEnum):
    """Where a message or request came from."""

    TELEGRAM = "telegram"
    WECOM = "wecom"
    WEBCHAT = "webchat"
    RASA = "rasa"  # a resident talking through a company's own Rasa assistant (`wuye actions`)
    PHONE = "phone"
    FRONT_DESK = "front_desk"


#: Channels with a chat identity (a user id the bot can message).
CHAT_CHANNELS = frozenset({Channel.TELEGRAM, Channel.WECOM, Channel.WEBCHAT, Channel.RASA})


class StaffRole(StrEnum):
    """Staff roles from the service-centre plan (service-policy.md §8)."""

    SERVICE_AGENT = "service_agent"  # 客服专员/接待员
    SUPERVISOR = "supervisor"  # 客服中心主管
    PROJECT_MANAGER = "project_manager"  # 项目经理
    TECHNICIAN = "technician"  # 维修人员 (with a trade)
    SECURITY = "security"  # 秩序维护/保安
    CLEANING = "cleaning"  # 保洁
    GENERAL_ADMIN = "general_admin"  # 综合管理部
    GENERAL_MANAGER = "general_manager"  # 总经理


class Department(StrEnum):
    """Departments that own work; the policy maps each category to one."""

    SERVICE_CENTRE = "service_centre"  # 客服中心
    ENGINEERING = "engineering"  # 工程部
    ENVIRONMENT = "environment"  # 环境部（保洁绿化）
    SECURITY = "security"  # 秩序维护部
    GENERAL_ADMIN = "general_admin"  # 综合管理部
    MANAGEMENT = "management"  # 经理室
