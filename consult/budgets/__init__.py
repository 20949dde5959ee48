"""Participatory budgets: residents propose projects for part of the city's budget, staff review them
(feasibility, cost estimate, reasons published when a project is set aside), residents vote on a secret
ballot (knapsack, approval or cumulative points) and the results are counted under two rules side by side
(greedy by votes, method of equal shares).

A budget belongs to a process; a process may hold several (city-wide and one per district: a district
budget's voters are the residents of that district). The ballots are those of a poll of ``consult.votes``
owned by the budget (owner type ``budget``, vote rule ``budget.vote``); the counts live in
``consult.votes.counting.budgets``. ``results`` and ``results_views`` publish the results.
"""

from flask import Blueprint

bp = Blueprint("budgets", __name__)

from consult.budgets import models, policies, results_views, views  # noqa: E402,F401
