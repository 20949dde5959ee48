"""Who may follow content and read notifications."""

from consult.core.policy import is_signed_in, policies

policies.register("notifications.follow", is_signed_in)
policies.register("notifications.read", is_signed_in)
