"""Score: give each option a score from 0 to 5. The option with the highest average wins.

Every option gets a score on a counted ballot (an option left empty scores 0, as the ballot page says). The
result shows each option's average and how many ballots gave each score.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.votes.methods import BallotError, NumberPerOption, Spec, as_int, as_option, top


class Score(NumberPerOption):
    name = "score"
    label = _l("Score (0 to 5)")
    explanation = _l("Give each option a score from 0 (not at all) to 5 (very much). An option you leave "
                     "empty gets 0. The option with the highest average score wins.")
    live_heading = _l("Average score")
    live_figure = "average"

    def validate(self, raw, spec: Spec):
        if not isinstance(raw, dict):
            raise BallotError(_l("Please give each option a score."), field="scores")
        scores = {str(oid): 0 for oid in spec.option_ids}
        for key, value in raw.items():
            oid = as_option(key, spec)
            number = as_int(value, _l("A score must be a whole number."))
            if not spec.min_score <= number <= spec.max_score:
                raise BallotError(_l("A score must be between %(low)s and %(high)s.", low=spec.min_score,
                                     high=spec.max_score), field="scores")
            scores[str(oid)] = number
        return scores

    def tally(self, groups, spec: Spec) -> dict:
        dist = {str(oid): [0] * (spec.max_score - spec.min_score + 1) for oid in spec.option_ids}

        def spread(key, value, weight):
            dist[key][value - spec.min_score] += weight

        total, sums = self.sums(groups, spec, spread)
        averages = {k: (round(v / total, 4) if total else 0) for k, v in sums.items()}
        return {"ballots": total, "counts": sums, "averages": averages, "distribution": dist,
                "winners": top(sums, spec)}


METHOD = Score()
