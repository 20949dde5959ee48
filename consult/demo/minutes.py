"""Demo minutes: the closed sessions and debates of the earlier demo steps get their minutes drafted, edited
by the secretary, approved by the president and published (through the same services as the pages).

When there are no minutes at all (no closed session or debate), one session record in the seed's story is
drafted instead, so the demo still shows published minutes.
"""

from __future__ import annotations

import copy

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from consult.accounts.models import User
from consult.councils.models import Council
from consult.debates.models import Debate
from consult.debates.record import debate_record
from consult.extensions import db
from consult.meetings.models import CLOSED, CouncilSession
from consult.minutes import draft_for_debate, draft_for_session, services
from consult.minutes.drafting import draft_markdown, title_for
from consult.minutes.models import DRAFT, ORIGINAL, Minutes

CLOSING = ("The meeting ended with thanks to the interpreters who made every speech understood in four "
           "languages.")

#: The translator's work on the council's minutes: the free text of the session record (and the closing
#: sentence) in French, Italian and Arabic; headings, dates, names of roles and vote results come from the
#: catalogs when the minutes are drafted again from the translated record in that language.
RECORD_TRANSLATIONS = {
    "Ordinary session of October": {
        "fr": "Séance ordinaire d'octobre", "it": "Seduta ordinaria di ottobre",
        "ar": "الجلسة العادية لشهر أكتوبر"},
    "Council of Cultures": {"fr": "Conseil des cultures", "it": "Consulta delle culture",
                            "ar": "مجلس الثقافات"},
    "Sala Gialla, town hall": {"fr": "Sala Gialla, hôtel de ville", "it": "Sala Gialla, municipio",
                               "ar": "القاعة الصفراء، مبنى البلدية"},
    "Local resident cards": {"fr": "Cartes de résident local", "it": "Carte di residenza locale",
                             "ar": "بطاقات الإقامة المحلية"},
    "The city plans a local resident card for everyone who lives in Porto Aperto, with access to libraries, "
    "transport and city services.\n\nTo look out for: the card **must not become a monitoring tool**. No "
    "nationality or status is printed or stored.": {
        "fr": "La ville prévoit une carte de résident local pour toutes les personnes qui vivent à Porto "
              "Aperto, avec l'accès aux bibliothèques, aux transports et aux services de la ville.\n\nPoint "
              "de vigilance : la carte **ne doit pas devenir un outil de surveillance**. Aucune nationalité "
              "ni aucun statut n'est imprimé ou enregistré.",
        "it": "La città prevede una carta di residenza locale per tutte le persone che vivono a Porto "
              "Aperto, con accesso a biblioteche, trasporti e servizi comunali.\n\nDa tenere d'occhio: la "
              "carta **non deve diventare uno strumento di controllo**. Nessuna nazionalità né status viene "
              "stampato o registrato.",
        "ar": "تعتزم المدينة إصدار بطاقة إقامة محلية لكل من يعيش في بورتو أبيرتو، تتيح الوصول إلى المكتبات "
              "والنقل وخدمات المدينة.\n\nنقطة للانتباه: يجب **ألا تصبح البطاقة أداة للمراقبة**. لا تُطبع أي "
              "جنسية أو وضع قانوني ولا تُسجَّل."},
    "The president presented the city's draft. Members asked that the card show no nationality and that no "
    "list of holders be shared with the police.": {
        "fr": "Le président a présenté le projet de la ville. Les membres ont demandé que la carte n'indique "
              "aucune nationalité et qu'aucune liste de titulaires ne soit transmise à la police.",
        "it": "Il presidente ha presentato la bozza della città. I membri hanno chiesto che la carta non "
              "indichi alcuna nazionalità e che nessun elenco dei titolari sia condiviso con la polizia.",
        "ar": "عرض الرئيس مشروع المدينة. وطلب الأعضاء ألا تُظهر البطاقة أي جنسية وألا تُسلَّم أي قائمة "
              "بحامليها إلى الشرطة."},
    "The Council of Cultures supports the local resident card on one condition: it records no nationality or "
    "status and is never used as a monitoring tool.": {
        "fr": "Le Conseil des cultures soutient la carte de résident local à une condition : qu'elle "
              "n'enregistre ni nationalité ni statut et ne serve jamais d'outil de surveillance.",
        "it": "La Consulta delle culture sostiene la carta di residenza locale a una condizione: che non "
              "registri nazionalità né status e non sia mai usata come strumento di controllo.",
        "ar": "يؤيد مجلس الثقافات بطاقة الإقامة المحلية بشرط واحد: ألا تسجّل أي جنسية أو وضع قانوني وألا "
              "تُستخدم أبدًا أداةً للمراقبة."},
    "What the card must never record": {"fr": "Ce que la carte ne doit jamais enregistrer",
                                        "it": "Che cosa la carta non deve mai registrare",
                                        "ar": "ما يجب ألا تسجّله البطاقة أبدًا"},
    "International Migrants Day, 18 December": {"fr": "Journée internationale des migrants, 18 décembre",
                                                "it": "Giornata internazionale dei migranti, 18 dicembre",
                                                "ar": "اليوم الدولي للمهاجرين، 18 ديسمبر"},
    "Celebrate 18 December at municipal council level, with the associations of the city.": {
        "fr": "Célébrer le 18 décembre au conseil municipal, avec les associations de la ville.",
        "it": "Celebrare il 18 dicembre in consiglio comunale, con le associazioni della città.",
        "ar": "الاحتفال بيوم 18 ديسمبر في المجلس البلدي، مع جمعيات المدينة."},
    "Associations will prepare a market of cultures in front of the town hall.": {
        "fr": "Les associations prépareront un marché des cultures devant l'hôtel de ville.",
        "it": "Le associazioni prepareranno un mercato delle culture davanti al municipio.",
        "ar": "ستنظّم الجمعيات سوقًا للثقافات أمام مبنى البلدية."},
    "Ask the city council to celebrate International Migrants Day on 18 December every year, in a public "
    "session.": {
        "fr": "Demander au conseil municipal de célébrer chaque année la Journée internationale des migrants "
              "le 18 décembre, en séance publique.",
        "it": "Chiedere al consiglio comunale di celebrare ogni anno la Giornata internazionale dei migranti "
              "il 18 dicembre, in seduta pubblica.",
        "ar": "مطالبة المجلس البلدي بالاحتفال باليوم الدولي للمهاجرين في 18 ديسمبر من كل عام، "
              "في جلسة علنية."},
    "A series of citizen debates": {"fr": "Une série de débats citoyens",
                                    "it": "Un ciclo di dibattiti cittadini",
                                    "ar": "سلسلة من النقاشات المواطنية"},
    "Debates in every district, in a moderator / expert / public format, with elected representatives, "
    "associations and residents, to tell other stories about migration.": {
        "fr": "Des débats dans chaque quartier, au format modérateur / expert / public, avec des élus, des "
              "associations et des habitants, pour raconter autrement les migrations.",
        "it": "Dibattiti in ogni quartiere, nel formato moderatore / esperto / pubblico, con eletti, "
              "associazioni e residenti, per raccontare in altro modo le migrazioni.",
        "ar": "نقاشات في كل حي، بصيغة المنسق / الخبير / الجمهور، مع المنتخبين والجمعيات والسكان، لرواية قصص "
              "أخرى عن الهجرة."},
    "Spend the council's whole yearly budget on the first debate.": {
        "fr": "Consacrer tout le budget annuel du conseil au premier débat.",
        "it": "Spendere l'intero bilancio annuale della consulta per il primo dibattito.",
        "ar": "إنفاق كامل الميزانية السنوية للمجلس على النقاش الأول."},
    CLOSING: {
        "fr": "La séance s'est terminée par des remerciements aux interprètes, qui ont fait comprendre "
              "chaque intervention en quatre langues.",
        "it": "La seduta si è chiusa con un ringraziamento agli interpreti, che hanno reso comprensibile "
              "ogni intervento in quattro lingue.",
        "ar": "اختُتمت الجلسة بشكر المترجمين الفوريين الذين جعلوا كل مداخلة مفهومة بأربع لغات."},
}


def _translated(value, language: str):
    """The record with every text the translator knows replaced by its ``language`` version."""
    if isinstance(value, dict):
        return {key: _translated(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [_translated(item, language) for item in value]
    if isinstance(value, str):
        return RECORD_TRANSLATIONS.get(value, {}).get(language, value)
    return value


def _publish_translations(minutes: Minutes, translator, writer, approver) -> None:
    """The council's minutes in French, Italian and Arabic, through the translation workflow."""
    languages = current_app.config["LANGUAGES"]
    for language in ("fr", "it", "ar"):
        if language not in languages or language == minutes.language:
            continue
        record = _translated(copy.deepcopy(minutes.record or {}), language)
        # the draft's headings, dates and vote wording follow the record's language
        record["language"] = language
        with force_locale(language):
            title, body = title_for(record), draft_markdown(record)
        closing = RECORD_TRANSLATIONS[CLOSING].get(language, CLOSING)
        translation = services.start_translation(minutes, language, actor=translator, languages=languages,
                                                 title=title)
        if translation.status != DRAFT:
            continue
        services.save_revision(translation, body.rstrip() + f"\n\n*{closing}*\n", author=translator,
                               note="Translation")
        services.submit(translation, actor=writer)
        services.approve(translation, actor=approver)
        services.publish(translation, actor=writer)

SEED_RECORD = {
    "kind": "council_session", "id": 1, "title": "Ordinary session of the Council of Cultures",
    "body": "Council of Cultures", "starts_at": "2026-10-15T16:00:00", "ends_at": "2026-10-15T18:30:00",
    "place": "Town hall, Sala delle Culture", "online_link": None, "language": "en",
    "chaired_by": ["Adama"], "written_by": ["Mariam"],
    "attendance": {
        "present": [{"name": "Adama", "role": "president", "arrived_at": None, "left_at": None},
                    {"name": "Mariam", "role": "secretary", "arrived_at": None, "left_at": None},
                    {"name": "Chen", "role": "member", "arrived_at": "2026-10-15T16:20:00", "left_at": None},
                    {"name": "Ana", "role": "observer", "arrived_at": None, "left_at": None}],
        "excused": [{"name": "Oksana", "role": "member"}], "absent": [],
    },
    "quorum": {"required": 3, "present": 3, "reached": True},
    "items": [
        {"number": "1", "title": "Local resident cards", "kind": "decision",
         "description": "A city resident card for everyone who lives in Porto Aperto, whatever their papers.",
         "started_at": "2026-10-15T16:10:00", "ended_at": "2026-10-15T17:00:00",
         "notes": "The registry office presented the pilot. Members asked that the card never becomes a new "
                  "monitoring tool.",
         "speakers": [{"name": "Adama", "order": 1}, {"name": "Chen", "order": 2}],
         "motions": [{"text": "Ask the city to issue local resident cards, starting with a pilot in two "
                              "districts.",
                      "rule": "simple majority", "mode": "named", "yes": 3, "no": 0, "abstain": 0,
                      "verdict": "adopted", "named_votes": [{"name": "Adama", "choice": "yes"},
                                                            {"name": "Mariam", "choice": "yes"},
                                                            {"name": "Chen", "choice": "yes"}]}],
         "decisions": ["The council supports local resident cards and will follow the pilot."],
         "actions": [{"text": "Pilot of the resident card in two districts", "owner": "Registry office",
                      "due": "2027-06-30"}],
         "proposals": []},
        {"number": "2", "title": "International Migrants Day", "kind": "decision",
         "description": "Celebrate 18 December at the municipal council.", "started_at": None,
         "ended_at": None, "notes": "", "speakers": [{"name": "Mariam", "order": 1}],
         "motions": [{"text": "Celebrate International Migrants Day on 18 December at the municipal council.",
                      "rule": "simple majority", "mode": "hands", "yes": 3, "no": 0, "abstain": 0,
                      "verdict": "adopted", "named_votes": []}],
         "decisions": [], "actions": [{"text": "Ceremony at the municipal council", "owner": "Mayor's office",
                                       "due": "2026-12-18"}], "proposals": []},
    ],
    "segments": [], "speakers": [], "questions": [], "polls": [],
}


def _user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _draft_missing() -> None:
    """Closed sessions and debates whose minutes were not drafted by the signals get them now."""
    for session in db.session.scalars(sa.select(CouncilSession).where(CouncilSession.status == CLOSED)):
        if services.original_for("council_session", session.id) is None:
            draft_for_session(session)
    for debate in db.session.scalars(sa.select(Debate).where(Debate.status == "ended")):
        if services.original_for("debate", debate.id) is None:
            draft_for_debate(debate, record=debate_record(debate))


def load() -> None:
    secretary, president, moderator = _user("secretary"), _user("president"), _user("moderator")
    _draft_missing()
    drafts = list(db.session.scalars(sa.select(Minutes).where(Minutes.kind == ORIGINAL,
                                                              Minutes.status == DRAFT)))
    if not drafts and not db.session.scalar(sa.select(sa.func.count()).select_from(Minutes)):
        council_id = db.session.scalar(sa.select(Council.id).order_by(Council.id).limit(1))
        drafts = [services.create_draft(SEED_RECORD, source_type="council_session", source_id=0,
                                        council_id=council_id)]
    for minutes in drafts:
        # council minutes: the secretary writes, the president approves; debate minutes: the moderator does
        # both
        council = minutes.council_id is not None
        writer, approver = (secretary, president) if council else (moderator, moderator)
        services.save_revision(minutes, minutes.body.rstrip() + f"\n\n*{CLOSING}*\n", author=writer,
                               note="Closing sentence")
        services.submit(minutes, actor=writer)
        services.approve(minutes, actor=approver)
        services.publish(minutes, actor=writer)
        if minutes.council_id is not None and minutes.record:
            _publish_translations(minutes, _user("translator") or writer, writer, approver)
    db.session.flush()
