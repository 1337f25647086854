"""Communities (小区/项目) and their policy."""

from storage.communities.models import Community
from storage.communities.service import create_community, get_community, list_communities, policy_for, set_policy

__all__ = ["Community", "create_community", "get_community", "list_communities", "policy_for", "set_policy"]
