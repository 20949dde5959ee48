"""The data of the cluster test (``tests/deploy/test_cluster.py``), written through the services into the
database the app hosts serve: ``python -m tests.deploy.cluster_data VOTERS`` with ``CONSULT_DATABASE_URL``
set. Prints, as JSON, the ids and names the test needs."""

from __future__ import annotations

import json
import sys
from datetime import timedelta

from consult import create_app
from consult.core.models import utcnow
from consult.extensions import db

PASSWORD = "cluster test password"


def make(voters: int) -> dict:
    from consult.accounts import services as accounts
    from consult.debates import services as debates
    from consult.residency.models import ResidentStatus
    from consult.votes import services as votes

    moderator = accounts.sign_up("moderator", "Karim", PASSWORD, "en", None)
    start = utcnow() + timedelta(minutes=5)
    debate = debates.create_debate(moderator, title="Which library hours suit everyone?", place="Town hall",
                                   starts_at=start, ends_at=start + timedelta(hours=1), allow_anonymous=True)
    for title, minutes in (("Opening", 10), ("Questions from the public", 30)):
        debates.add_segment(debate, title, minutes)
    names = [f"resident{n:03d}" for n in range(voters)]
    for n, name in enumerate(names):
        user = accounts.sign_up(name, f"Resident {n}", PASSWORD, "en", None)
        db.session.add(ResidentStatus(user=user, method="in_person", birth_year=1950 + n % 50))
    poll = votes.create_poll(question="Which day should the library open late?", method="single",
                             options=["Tuesday", "Thursday", "Saturday"], mode="secret")
    votes.open_poll(poll)
    db.session.commit()
    return {"moderator": "moderator", "password": PASSWORD, "debate": debate.id, "residents": names,
            "poll": poll.id, "options": [option.id for option in poll.options]}


def main() -> None:
    app = create_app()
    with app.app_context():
        print(json.dumps(make(int(sys.argv[1]))))


if __name__ == "__main__":
    main()
