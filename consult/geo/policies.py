"""Who may do what with maps: anyone sees them; admins upload the districts' shapes."""

from __future__ import annotations

from consult.core.policy import always, is_admin, is_signed_in, policies

policies.register("geo.view_map", always)
policies.register("geo.manage_districts", is_signed_in & is_admin)
