"""Stored conversation state (flow, step, slots, draft) per chat identity."""

from storage.conversations.models import Conversation
from storage.conversations.service import load_chat, load_conversation, save_conversation

__all__ = ["Conversation", "load_chat", "load_conversation", "save_conversation"]
