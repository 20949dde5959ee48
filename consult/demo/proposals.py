"""Demo: proposals echoing the seed's "eight proposals for action", some merged, supported by demo accounts,
one translated and one answered in two languages."""

from __future__ import annotations

import sqlalchemy as sa

from consult.accounts.services import get_user_by_username
from consult.extensions import db
from consult.processes.models import Process
from consult.proposals import services as proposals

#: (key, author, language, theme number 1-5, title, body)
PROPOSALS = [
    ("cards", "resident", "en", 1, "A local resident card for everyone who lives in Porto Aperto",
     "Every resident should be able to get a **city resident card**, whatever their papers: to borrow books, "
     "use the swimming pool, and take part in the city's consultations.\n\nTo look out for: the card must "
     "never become a new tool to watch people."),
    ("map", "member", "en", 2, "Map the places that welcome newcomers",
     "A public map of the associations, help desks and city offices that welcome newcomers, and a "
     "\"welcoming city\" sign at the entrance of the city."),
    ("solidarity", "secretary", "en", 4, "Stand by residents who are prosecuted for helping others",
     "When a person or an association is taken to court for an act of solidarity, the city should say "
     "publicly that it supports them."),
    ("debates", "observer", "en", 3, "Citizen debates to tell another story of migration",
     "Organise debates with elected people, associations and residents, including migrants, to share "
     "experiences from the ground and change how migration is told."),
    ("debates-houses", "member", "en", 3, "Debates in the neighbourhood houses",
     "Every neighbourhood house could host one evening a month where newcomers and older residents talk "
     "together, with a moderator."),
    ("borders", "president", "fr", 4, "Refuser les centres de tri aux frontières",
     "La ville doit soutenir publiquement les villes qui refusent d'installer des *hot spots* sur leur "
     "territoire, et alerter les associations sur les financements qui y contribuent."),
    ("means", "moderator", "en", 2, "Ask the State for the means to welcome",
     "Competences for welcoming newcomers should come with the money to do it. The city should ask the "
     "State, together with other cities, for a fair share of resources."),
    ("experts", "translator", "en", 5, "A group of experts on migration, like the IPCC for climate",
     "Researchers, associations and migrants could publish every year what we know about migration, so that "
     "decisions rest on facts rather than rumours."),
    ("networks", "resident", "en", 5, "Meet the other networks to think beyond the emergency",
     "Draw up a calendar of meetings with existing networks of cities and associations, at forums that are "
     "already planned, to think about migration in the long term."),
]
#: who supports what (usernames)
SUPPORTS = {
    "cards": ["member", "moderator", "president"],  # reaches the threshold of 3: qualified
    "map": ["resident", "observer"],
    "debates": ["resident", "secretary"],
    # "resident" supports both debates: counted once after merging
    "debates-houses": ["resident", "president"],
    "means": ["member"],
    "experts": ["observer"],
}


def _user(username):
    return get_user_by_username(username)


def load() -> None:
    process = db.session.scalar(sa.select(Process).where(Process.title == "Welcoming city 2027"))
    if process is None:
        return
    themes = process.themes
    made = {}
    for key, author, language, theme, title, body in PROPOSALS:
        person = _user(author)
        proposal = proposals.create_draft(process, person, title=title, body=body, language=language,
                                          theme_id=themes[theme - 1].id)
        proposals.publish(proposal, person)
        made[key] = proposal
    for key, usernames in SUPPORTS.items():
        for username in usernames:
            proposals.support(made[key], _user(username))

    moderator = _user("moderator")
    merged = proposals.merge(
        [made["debates"], made["debates-houses"]], moderator,
        title="Citizen debates in every district to tell another story of migration",
        body="Merged and reformulated from two proposals.\n\n- One citizen debate a year in every district, "
             "with elected people, associations and residents, including migrants.\n"
             "- Monthly evenings in the neighbourhood houses where newcomers and older residents talk "
             "together.",
        language="en", theme_id=themes[2].id)
    # "resident" supported both sources and counts once; a new supporter joins the merged proposal
    proposals.support(merged, _user("translator"))

    translator = _user("translator")
    proposals.translate(made["borders"], translator, language="en",
                        title="Refuse sorting centres at the borders",
                        body="The city should publicly support cities that refuse to set up *hot spots* on "
                             "their land, and warn associations about funding that contributes to them.")
    proposals.translate(made["cards"], translator, language="es",
                        title="Una tarjeta de residente para todas las personas que viven en Porto Aperto",
                        body="Toda persona residente debería poder obtener una **tarjeta de residente** de "
                             "la ciudad, tenga los papeles que tenga.")

    proposals.answer(made["means"], moderator, state="under_review", language="en",
                     text="The city's legal office is studying how other cities asked for these resources.")
    proposals.answer(made["cards"], moderator, state="accepted", language="en",
                     text="The Council of Cultures will discuss the resident card at its next session.")
    proposals.answer(made["cards"], moderator, state="accepted", language="fr",
                     text="Le Conseil des cultures discutera de la carte de résident à sa prochaine séance.")
    db.session.flush()
