"""Residence verification pages."""

from __future__ import annotations

from consult.core.rendering import render
from consult.residency import bp


@bp.route("/verify")
def verify():
    """How to become a verified resident: the ways that exist, and what is (not) asked."""
    return render("residency/verify.html")
