"""Conversations as explicit, stored state machines over channel-neutral messages."""
