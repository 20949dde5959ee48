"""Who may do what with processes: anyone reads them; admins create and edit them and their phases."""

from consult.core.policy import always, is_admin, is_signed_in, policies

policies.register("process.view", always)
policies.register("process.manage", is_signed_in & is_admin)
