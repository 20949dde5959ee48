"""The words of the participation half: first names, languages, the proposals' topics, titles and reasons,
comments by alignment, official answers (English and French), process titles and phase lengths."""

from __future__ import annotations

from consult.proposals.models import ACCEPTED, ADOPTED, IMPLEMENTED, REJECTED, UNDER_REVIEW

FIRST_NAMES = (
    "Adama Aïcha Ali Amina Ana Andrea Anton Aziz Bianca Bilal Carla Chen Chiara Dario Diego Elena Emre "
    "Fatima Fatou Federica Giulia Hamid Hana Ibrahim Ines Irina Jamal João Karim Khadija Kofi Laila Leila Li "
    "Lucía Luca Lina Malik Marco Mariam Marta Matteo Mehdi Mei Mohamed Moussa Nadia Nour Olga Omar Paolo "
    "Pedro Priya Rania Rosa Sami Sara Sofía Tariq Teresa Tomás Valentina Wei Yasmin Youssef Yusuf Zainab "
    "Zoran"
).split()
LETTERS = "ABCDEFGHIJKLMNOPRSTUVZ"
LANGUAGES = ("en", "en", "en", "it", "it", "fr", "es", "pt", "ar", "ar")

#: (theme number 0-4 in the seed's workshop areas, things to do)
TOPICS = {
    "welcome": (3, ("a welcome desk for newcomers", "a welcome guide in six languages",
                    "welcome evenings for new residents", "a buddy programme for people who just arrived",
                    "a welcome sign and map at the station")),
    "housing": (3, ("emergency housing for families", "a housing advice desk",
                    "shared flats for young workers", "a fair rent guarantee for newcomers",
                    "winter shelters that stay open all day")),
    "language": (0, ("free language classes in the evening", "language cafés in the libraries",
                     "interpreters at the city offices", "conversation groups for parents",
                     "forms of the town hall in plain language")),
    "school": (0, ("homework clubs", "interpreters for parent-teacher meetings", "help with school enrolment",
                   "reading hours in the mother tongues", "school trips for every child")),
    "work": (0, ("a job fair for newcomers", "faster recognition of foreign diplomas", "training in trades",
                 "a help desk for work contracts", "internships at the city's services")),
    "health": (3, ("health mediators in the districts", "a free clinic evening",
                   "support for people living with trauma", "health information in many languages",
                   "a night pharmacy map")),
    "culture": (2, ("a festival of the city's cultures", "an exhibition of residents' stories",
                    "music workshops with newcomers", "books in the languages spoken in the city",
                    "a neighbourhood theatre season")),
    "card": (0, ("a city resident card for everyone", "the resident card at the library and the pool",
                 "resident card codes at every help desk", "discounts on buses with the resident card")),
    "rumour": (2, ("an anti-rumour campaign", "anti-rumour agents trained in each district",
                   "a weekly fact check of rumours about migration", "debates that answer rumours")),
    "council": (1, ("a yearly citizens' assembly on welcoming policies",
                    "seats for residents on the welcome committee",
                    "public answers to every proposal of the council of cultures",
                    "a budget decided by residents")),
    "network": (4, ("a network of welcoming cities", "a yearly report on facts about migration",
                    "twinning with a city on the other shore", "a long-term plan beyond the emergency")),
}
ACTIONS = ("Open", "Create", "Fund", "Extend", "Organise", "Support", "Start", "Set up", "Pilot",
           "Bring back")
PLACES = ("", "", " in {district}", " near the station", " in every neighbourhood house", " at the town hall",
          " for the whole city", " in {district} first")
WHY = (
    "When I arrived in the city nobody could tell me where to go, and I lost weeks.",
    "Many residents of {district} told us the same thing at the last neighbourhood meeting.",
    "Other cities do it already and it costs less than people think.",
    "This would help newcomers and long-time residents alike to meet each other.",
    "Our association sees every week people who give up because information is missing.",
    "A welcoming city is one where everyone who lives here can take part.",
    "Rumours spread fast when people do not meet: this is a way to meet.",
    "Children often translate for their parents, which is not their job.",
)
HOW = (
    "Volunteers and city staff could run it together, two evenings a week.",
    "The neighbourhood houses already have the rooms; what is missing is a small budget.",
    "A pilot of one year in {district}, then an evaluation with the residents.",
    "The council of cultures could follow it and report every six months.",
    "Associations that already do this work should be paid for it, not only thanked.",
    "Information should be in at least six languages, on paper and online.",
)
CARE = (
    "To look out for: nobody should be asked about their papers to take part.",
    "It must stay free, or the people who need it most will not come.",
    "Let us make sure it is accessible to people with disabilities.",
    "The schedule should suit people who work in the evening or at night.",
)
COMMENTS = {
    "in_favour": (
        "Yes! I would volunteer for this.", "This is exactly what was missing when my family arrived.",
        "I support it: we tried something similar in {district} and it worked.",
        "Good idea. The library could host it on Saturdays.", "Fully agree, and it should start soon.",
        "My neighbours talk about this all the time, thank you for writing it down.",
    ),
    "against": (
        "I am not sure the city can pay for this every year.", "This already exists, it is just not known.",
        "It should be done by the associations, not by the town hall.",
        "Too vague: who does what, and with which budget?", "I would rather spend this money on housing.",
    ),
    "neutral": (
        "How many people would it reach?", "Is there an estimate of the cost?",
        "Which district would start first?", "Could the proposal say how it will be evaluated?",
        "Who would coordinate it?", "Do we know how other cities did it?",
    ),
}
ANSWERS = {
    UNDER_REVIEW: "The services are studying this proposal with the associations concerned. We will answer "
                  "in public by the end of the phase.",
    ACCEPTED: "The council of cultures has put this proposal on the agenda of its next session.",
    ADOPTED: "The city council adopted this proposal. A first budget is planned for next year.",
    REJECTED: "Thank you for this proposal. The city cannot take it on now: part of it is already done by "
              "the help desks, and the rest is outside the city's powers. The reasons are in the minutes.",
    IMPLEMENTED: "This proposal has been carried out. The council of cultures will report on it at its next "
                 "session.",
}
ANSWERS_FR = {
    UNDER_REVIEW: "Les services étudient cette proposition avec les associations concernées.",
    ACCEPTED: "Le conseil des cultures a inscrit cette proposition à l'ordre du jour de sa prochaine séance.",
    ADOPTED: "Le conseil municipal a adopté cette proposition. Un premier budget est prévu l'an prochain.",
    REJECTED: "Merci pour cette proposition. La ville ne peut pas la reprendre maintenant ; les raisons sont "
              "dans le procès-verbal.",
    IMPLEMENTED: "Cette proposition a été réalisée.",
}
PROCESS_TITLES = (
    "Welcoming city", "Housing for everyone", "Speak the city's languages", "Schools open to every family",
    "Work and training", "Health close to home", "Cultures of the city", "The resident card",
    "Against rumours", "Our neighbourhoods", "Budget of the districts", "Summer in the city",
)
PHASE_DAYS = (("information", 21), ("proposals", 60), ("deliberation", 30), ("voting", 14), ("outcomes", 300))
