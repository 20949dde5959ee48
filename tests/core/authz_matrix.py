"""Who may use which route: the expected answer of every route of the URL map for every role.

Read by ``test_authorization_matrix.py``. One line per (method, rule); the columns are the roles of
``tests/routes.ROLES``, each played by a demo account (password ``consult-demo``) on the demo objects listed
in ``tests/routes.DemoObjects``: THE Council of Cultures (its secretary, member, observer), THE upcoming
debate (moderated by ``moderator``), its convened session and first agenda item, the open poll, a published
proposal and a comment written by someone who plays none of the roles, the resident's notification.

Symbols:

====  =======================================================================================================
ok    200
in    a redirect to sign in (visitors)
no    403 (the page gives the reason)
nf    404
go    a redirect somewhere else (GET)
bad   422 (a GET whose query string is missing)
400   400 (a GET whose query string is missing)
do    POST only: authorization let the empty form through, and the form, the state or the service answered
      (200, 303 not to sign in, 400, 409 or 422)
====  =======================================================================================================

A refused answer (``in``, ``no``, ``nf``) must also leave the database untouched: the test fails if the
request sent any INSERT, UPDATE or DELETE.

Notes on lines that may surprise:

* comments (``POST /comments/...``) and reports need only an account, not a verified residence (by design:
  ``proposal.comment`` does not ask for verification, and the demo's council keeps its default, which lets
  accounts not verified yet comment and report); supporting, proposing and voting do.
* ``admin`` and ``registrar`` are not verified residents in the demo: they cannot support, propose or vote.
* follow-up comments on outcomes are for the council's monitoring committee (``resident`` and ``observer`` in
the
  demo) and admins, not for every member.
* the live debate routes (questions, likes, speaking, debate polls) are open to visitors: the demo debates
allow
  anonymous participation.
* ``/minutes/<id>/...``: both demo minutes are published, so approving, submitting or editing them is refused
to
  everyone (corrections go through ``correct``); drafting history (``revisions``, ``diff``) is for the
  secretary.
* the second agenda item of the convened session carries an attachment (``tests/routes.add_missing_objects``).
* ``POST /motions/<id>/vote``: the demo's first motion is decided, so ``motion.vote`` refuses every member
  before the form is read (``docs/permissions.md`` maps who may vote in which state).
* ``/reset/<token>`` and ``/profile/email/<token>`` get a made-up token: the reset link sends back to
``/reset``,
  the address confirmation answers 400; ``/reset/new-password`` without an opened link sends back to
  ``/reset``.
"""

from __future__ import annotations

from tests.routes import ROLES

SYMBOLS = {"ok", "in", "no", "nf", "go", "bad", "400", "do"}
#: answers that refuse: such a request must not write anything
REFUSED = {"in", "no", "nf"}

#: routes not visited, with the reason
SKIPPED: dict[str, str] = {}

# method rule                                                      vis unv res mem obs sec mod reg adm
TABLE = """
GET /                                                              ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /admin/districts                                               in  no  no  no  no  no  no  no  ok
POST /admin/districts                                              in  no  no  no  no  no  no  no  do
GET /admin/eligibility                                             in  no  no  no  no  no  no  no  ok
GET /admin/eligibility/<int:rule_id>                               in  no  no  no  no  no  no  no  ok
POST /admin/eligibility/<int:rule_id>                              in  no  no  no  no  no  no  no  do
GET /admin/eligibility/new                                         in  no  no  no  no  no  no  no  ok
POST /admin/eligibility/new                                        in  no  no  no  no  no  no  no  do
GET /admin/tasks                                                   in  no  no  no  no  no  no  no  ok
POST /admin/tasks/discard                                          in  no  no  no  no  no  no  no  do
POST /admin/tasks/retry                                            in  no  no  no  no  no  no  no  do
GET /admin/users                                                   in  no  no  no  no  no  no  ok  ok
GET /admin/users/<int:user_id>                                     in  no  no  no  no  no  no  ok  ok
POST /admin/users/<int:user_id>/reset-code                         in  no  no  no  no  no  no  do  do
POST /admin/users/<int:user_id>/roles                              in  no  no  no  no  no  no  no  do
POST /admin/users/<int:user_id>/roles/<role>/revoke                in  no  no  no  no  no  no  no  do
GET /amendments/<int:amendment_id>                                 ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /amendments/<int:amendment_id>/accept                         in  no  no  no  no  no  no  no  no
POST /amendments/<int:amendment_id>/promote                        in  no  no  no  no  no  no  no  no
POST /amendments/<int:amendment_id>/reject                         in  no  no  no  no  no  no  no  no
POST /amendments/<int:amendment_id>/support                        in  no  do  do  do  do  do  no  no
POST /amendments/<int:amendment_id>/unsupport                      in  no  do  do  do  do  do  no  no
POST /amendments/<int:amendment_id>/withdraw                       in  no  no  no  no  no  no  no  no
GET /api/                                                          ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /api/openapi.json                                              ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /api/v1/                                                       ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /api/v1/<name>                                                 ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /api/v1/<name>/<int:ident>                                     ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /appeals/<int:appeal_id>/decide                                in  no  no  no  no  do  no  no  do
GET /attachments/<int:attachment_id>                               ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /attendance/<int:attendance_id>/<any(arrive,leave):event>     in  no  no  no  no  do  no  no  do
GET /budget-projects/<int:project_id>                              ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /budget-projects/<int:project_id>/edit                         in  no  no  no  no  no  no  no  no
POST /budget-projects/<int:project_id>/edit                        in  no  no  no  no  no  no  no  no
POST /budget-projects/<int:project_id>/withdraw                    in  no  no  no  no  no  no  no  no
POST /budget-projects/<int:project_id>/review                      in  no  no  no  no  no  no  no  do
GET /budgets/<int:budget_id>                                       ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /budgets/<int:budget_id>/close-voting                         in  no  no  no  no  no  no  no  no
GET /budgets/<int:budget_id>/edit                                  in  no  no  no  no  no  no  no  ok
POST /budgets/<int:budget_id>/edit                                 in  no  no  no  no  no  no  no  do
GET /budgets/<int:budget_id>/manage                                in  no  no  no  no  no  no  no  ok
POST /budgets/<int:budget_id>/open-voting                          in  no  no  no  no  no  no  no  no
GET /budgets/<int:budget_id>/projects/new                          in  no  ok  ok  ok  ok  ok  no  no
POST /budgets/<int:budget_id>/projects/new                         in  no  do  do  do  do  do  no  no
POST /budgets/<int:budget_id>/promote                              in  no  no  no  no  no  no  no  do
POST /budgets/<int:budget_id>/start-proposing                      in  no  no  no  no  no  no  no  no
POST /budgets/<int:budget_id>/start-review                         in  no  no  no  no  no  no  no  do
GET /budgets/<int:budget_id>/ballots.pb                            no  no  no  no  no  no  no  no  no
GET /budgets/<int:budget_id>/results                               ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /budgets/<int:budget_id>/results/publish                      in  no  no  no  no  no  no  no  no
GET /candidacies/<int:candidacy_id>                                ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /candidacies/<int:candidacy_id>/photo                          nf  nf  nf  nf  nf  nf  nf  nf  nf
POST /candidacies/<int:candidacy_id>/review                        in  no  no  no  no  do  no  no  do
POST /candidacies/<int:candidacy_id>/support                       in  no  do  do  do  do  do  no  no
GET /candidacies/<int:candidacy_id>/translate                      in  no  no  no  no  no  no  no  no
POST /candidacies/<int:candidacy_id>/translate                     in  no  no  no  no  no  no  no  no
POST /candidacies/<int:candidacy_id>/withdraw                      in  no  no  no  no  no  no  no  no
GET /comments/<int:comment_id>                                     go  go  go  go  go  go  go  go  go
POST /comments/<int:comment_id>/delete                             in  no  no  no  no  no  no  no  no
GET /comments/<int:comment_id>/edit                                in  no  no  no  no  no  no  no  no
POST /comments/<int:comment_id>/edit                               in  no  no  no  no  no  no  no  no
GET /comments/<int:comment_id>/history                             ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /comments/<int:comment_id>/reply                               in  ok  ok  ok  ok  ok  ok  ok  ok
GET /comments/<int:comment_id>/replies                             ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /comments/<target_type>/<int:target_id>                        ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /comments/<target_type>/<int:target_id>                       in  do  do  do  do  do  do  do  do
GET /councils/                                                     ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /councils/<slug>/                                              ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /councils/<slug>/edit                                          in  no  no  no  no  no  no  no  ok
POST /councils/<slug>/edit                                         in  no  no  no  no  no  no  no  do
GET /councils/<slug>/elections                                     ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /councils/<slug>/elections/new                                 in  no  no  no  no  ok  no  no  ok
POST /councils/<slug>/elections/new                                in  no  no  no  no  do  no  no  do
GET /councils/<slug>/members                                       in  no  no  no  no  no  no  no  ok
POST /councils/<slug>/members                                      in  no  no  no  no  no  no  no  do
POST /councils/<slug>/members/<int:membership_id>/end              in  no  no  no  no  no  no  no  do
GET /councils/<slug>/participation                                 in  no  no  no  no  ok  no  no  ok
POST /councils/<slug>/participation                                in  no  no  no  no  do  no  no  do
GET /councils/<slug>/sessions                                      ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /councils/<slug>/sessions.ics                                  ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /councils/<slug>/sessions/new                                  in  no  no  no  no  ok  no  no  ok
POST /councils/<slug>/sessions/new                                 in  no  no  no  no  do  no  no  do
GET /councils/new                                                  in  no  no  no  no  no  no  no  ok
POST /councils/new                                                 in  no  no  no  no  no  no  no  do
GET /d/<code>                                                      go  go  go  go  go  go  go  go  go
GET /debates/                                                      ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /debates/<int:debate_id>                                       ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /debates/<int:debate_id>/console                               in  no  no  no  no  no  ok  no  ok
POST /debates/<int:debate_id>/console/panelists                    in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/panelists/<int:panelist_id>  in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/panelists/<int:panelist_id>/action in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/polls                        in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/polls/<int:link_id>          in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/priority                     in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/questions/<int:question_id>  in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/segment                      in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/segments                     in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/segments/<int:segment_id>    in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/segments/<int:segment_id>/action in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/speakers                     in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/speakers/<int:request_id>    in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/speech/stop                  in  no  no  no  no  no  do  no  do
POST /debates/<int:debate_id>/console/state                        in  no  no  no  no  no  do  no  do
GET /debates/<int:debate_id>/edit                                  in  no  no  no  no  no  ok  no  ok
POST /debates/<int:debate_id>/edit                                 in  no  no  no  no  no  do  no  do
GET /debates/<int:debate_id>/events                                ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /debates/<int:debate_id>/polls/<int:link_id>/vote             do  do  do  do  do  do  do  do  do
GET /debates/<int:debate_id>/projector                             ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /debates/<int:debate_id>/questions                            do  do  do  do  do  do  do  do  do
GET /debates/<int:debate_id>/questions                             ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /debates/<int:debate_id>/questions/<int:question_id>/like     do  do  do  do  do  do  do  do  do
GET /debates/<int:debate_id>/record.json                           in  no  no  no  no  no  ok  no  ok
POST /debates/<int:debate_id>/register                             in  do  do  do  do  do  do  do  do
POST /debates/<int:debate_id>/speak                                do  do  do  do  do  do  do  do  do
POST /debates/<int:debate_id>/speak/withdraw                       do  do  do  do  do  do  do  do  do
POST /debates/<int:debate_id>/unregister                           in  do  do  do  do  do  do  do  do
GET /debates/join                                                  bad bad bad bad bad bad bad bad bad
GET /debates/new                                                   in  no  no  no  no  no  ok  no  ok
POST /debates/new                                                  in  no  no  no  no  no  do  no  do
GET /elections/<int:election_id>                                   ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /elections/<int:election_id>/appeals                          in  no  no  no  no  no  no  no  no
GET /elections/<int:election_id>/ballots.blt                       no  no  no  no  no  no  no  no  no
POST /elections/<int:election_id>/count                            in  no  no  no  no  no  no  no  no
GET /elections/<int:election_id>/edit                              in  no  no  no  no  ok  no  no  ok
POST /elections/<int:election_id>/edit                             in  no  no  no  no  do  no  no  do
GET /elections/<int:election_id>/manage                            in  no  no  no  no  ok  no  no  ok
POST /elections/<int:election_id>/open-voting                      in  no  no  no  no  no  no  no  no
POST /elections/<int:election_id>/publish                          in  no  no  no  no  no  no  no  no
GET /elections/<int:election_id>/results                           no  no  no  no  no  no  no  no  no
POST /elections/<int:election_id>/seats/<int:seat_id>/pass-over    in  no  no  no  no  no  no  no  no
POST /elections/<int:election_id>/seats/<int:seat_id>/substitute   in  no  no  no  no  no  no  no  no
GET /elections/<int:election_id>/stand                             in  no  ok  ok  ok  ok  ok  no  no
POST /elections/<int:election_id>/stand                            in  no  do  do  do  do  do  no  no
GET /favicon.ico                                                   ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /follow/<target_type>/<int:target_id>                         in  do  do  do  do  do  do  do  do
GET /go/<target_type>/<int:target_id>                              go  go  go  go  go  go  go  go  go
GET /healthz                                                       ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /items/<int:item_id>/attachments                              in  no  no  no  no  do  no  no  do
POST /items/<int:item_id>/delete                                   in  no  no  no  no  do  no  no  do
GET /items/<int:item_id>/edit                                      in  no  no  no  no  ok  no  no  ok
POST /items/<int:item_id>/edit                                     in  no  no  no  no  do  no  no  do
POST /items/<int:item_id>/motions                                  in  no  no  no  no  do  no  no  do
POST /items/<int:item_id>/move                                     in  no  no  no  no  do  no  no  do
POST /items/<int:item_id>/progress                                 in  no  no  no  no  do  no  no  do
POST /items/<int:item_id>/speakers                                 in  no  no  no  no  do  no  no  do
GET /language/<lang>                                               go  go  go  go  go  go  go  go  go
GET /lotteries/                                                    ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /lotteries/<int:lottery_id>                                    ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /lotteries/<int:lottery_id>/categories                        in  no  no  no  no  do  no  no  do
POST /lotteries/<int:lottery_id>/close                             in  no  no  no  no  do  no  no  do
POST /lotteries/<int:lottery_id>/draw                              in  no  no  no  no  no  no  no  no
POST /lotteries/<int:lottery_id>/join                              in  no  do  do  do  do  do  no  no
POST /lotteries/<int:lottery_id>/leave                             in  no  no  do  do  no  no  no  no
GET /lotteries/<int:lottery_id>/manage                             in  no  no  no  no  ok  no  no  ok
POST /lotteries/<int:lottery_id>/quotas                            in  no  no  no  no  do  no  no  do
POST /lotteries/<int:lottery_id>/replace                           in  no  no  no  no  no  no  no  no
POST /lotteries/<int:lottery_id>/reply                             in  no  no  no  no  no  no  no  no
POST /lotteries/<int:lottery_id>/seat                              in  no  no  no  no  no  no  no  no
GET /lotteries/new/<any(debate,process,council):owner_type>/<int:owner_id> in  no  no  no  no  no  ok  no  ok
POST /lotteries/new/<any(debate,process,council):owner_type>/<int:owner_id> in  no  no  no  no  no  do  no  do
GET /map/districts.svg                                             ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /minutes/                                                      ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /minutes/<int:minutes_id>                                      ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /minutes/<int:minutes_id>.json                                 ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /minutes/<int:minutes_id>.md                                   ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /minutes/<int:minutes_id>.pdf                                  ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /minutes/<int:minutes_id>/approval-mode                       in  no  no  no  no  no  no  no  no
POST /minutes/<int:minutes_id>/approve                             in  no  no  no  no  no  no  no  no
POST /minutes/<int:minutes_id>/correct                             in  no  no  no  no  do  no  no  do
GET /minutes/<int:minutes_id>/diff                                 in  no  no  no  no  400 no  no  400
GET /minutes/<int:minutes_id>/edit                                 in  no  no  no  no  no  no  no  no
POST /minutes/<int:minutes_id>/edit                                in  no  no  no  no  no  no  no  no
POST /minutes/<int:minutes_id>/preview                             in  no  no  no  no  no  no  no  no
GET /minutes/<int:minutes_id>/print                                ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /minutes/<int:minutes_id>/publish                             in  no  no  no  no  no  no  no  no
POST /minutes/<int:minutes_id>/return                              in  no  no  no  no  no  no  no  no
GET /minutes/<int:minutes_id>/revisions                            in  no  no  no  no  ok  no  no  ok
POST /minutes/<int:minutes_id>/submit                              in  no  no  no  no  no  no  no  no
POST /minutes/<int:minutes_id>/translate                           in  no  no  no  no  do  no  no  do
GET /minutes/feed.atom                                             ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /moderation                                                    in  no  no  no  no  no  ok  no  ok
GET /moderation/item/<target_type>/<int:target_id>                 in  no  no  no  no  no  ok  no  ok
POST /moderation/item/<target_type>/<int:target_id>/dismiss        in  no  no  no  no  no  do  no  do
POST /moderation/item/<target_type>/<int:target_id>/hide           in  no  no  no  no  no  do  no  do
POST /moderation/item/<target_type>/<int:target_id>/notes          in  no  no  no  no  no  do  no  do
POST /moderation/item/<target_type>/<int:target_id>/restore        in  no  no  no  no  no  do  no  do
GET /moderation/log                                                ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /moderation/notes/<int:note_id>/delete                        in  no  no  no  no  no  do  no  do
POST /moderation/people/<int:user_id>/block                        in  no  no  no  no  no  do  no  do
POST /moderation/people/<int:user_id>/unblock                      in  no  no  no  no  no  do  no  do
POST /motions/<int:motion_id>/close                                in  no  no  no  no  do  no  no  do
POST /motions/<int:motion_id>/open                                 in  no  no  no  no  do  no  no  do
POST /motions/<int:motion_id>/vote                                 in  no  no  no  no  no  no  no  no
GET /notifications                                                 in  ok  ok  ok  ok  ok  ok  ok  ok
POST /notifications/<int:notification_id>/open                     in  nf  do  nf  nf  nf  nf  nf  nf
POST /notifications/read                                           in  do  do  do  do  do  do  do  do
GET /open-data                                                     ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /outcomes/                                                     ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /outcomes/<int:outcome_id>                                     ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /outcomes/<int:outcome_id>/actions                            in  no  no  no  no  do  no  no  do
POST /outcomes/<int:outcome_id>/follow-ups                         in  no  do  no  do  no  no  no  do
POST /outcomes/actions/<int:action_id>/update                      in  no  no  no  no  do  no  no  do
GET /outcomes/councils/<int:council_id>                            ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /outcomes/councils/<int:council_id>/monitors                  in  no  no  no  no  no  no  no  do
POST /outcomes/councils/<int:council_id>/monitors/<int:user_id>/remove in  no  no  no  no  no  no  no  do
POST /outcomes/councils/<int:council_id>/new                       in  no  no  no  no  do  no  no  do
GET /outcomes/feed.atom                                            ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /outcomes/processes/<int:process_id>                           ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /paper-batches/<int:paper_batch_id>                            in  no  no  no  no  no  no  ok  ok
POST /paper-batches/<int:paper_batch_id>/correct                   in  no  no  no  no  no  no  do  do
POST /paper-batches/<int:paper_batch_id>/count                     in  no  no  no  no  no  no  do  do
GET /paper-batches/<int:paper_batch_id>/mismatches                 in  no  no  no  no  no  no  ok  ok
POST /paper-batches/<int:paper_batch_id>/slips                     in  no  no  no  no  no  no  do  do
GET /polls                                                         ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /polls/<int:poll_id>                                           ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /polls/<int:poll_id>/close                                    in  no  no  no  no  no  no  no  do
POST /polls/<int:poll_id>/confirm                                  in  no  do  do  do  do  do  no  no
GET /polls/<int:poll_id>/manage                                    in  no  no  no  no  no  no  no  ok
POST /polls/<int:poll_id>/open                                     in  no  no  no  no  no  no  no  do
POST /polls/<int:poll_id>/paper                                    in  no  no  no  no  no  no  no  do
GET /polls/<int:poll_id>/paper-ballots                             in  no  no  no  no  no  no  no  no
POST /polls/<int:poll_id>/paper-ballots                            in  no  no  no  no  no  no  no  no
GET /polls/<int:poll_id>/results                                   ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /polls/<int:poll_id>/results.csv                               ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /polls/<int:poll_id>/trackers                                  ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /polls/<int:poll_id>/trackers.csv                              nf  nf  nf  nf  nf  nf  nf  nf  nf
POST /polls/<int:poll_id>/vote                                     in  no  do  do  do  do  do  no  no
GET /polls/<int:poll_id>/voted                                     ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /polls/new                                                     in  no  no  no  no  no  no  no  ok
POST /polls/new                                                    in  no  no  no  no  no  no  no  do
GET /privacy                                                       ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /processes                                                     ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /processes/<int:process_id>                                    ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /processes/<int:process_id>/budgets                            ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /processes/<int:process_id>/budgets/new                        in  no  no  no  no  no  no  no  ok
POST /processes/<int:process_id>/budgets/new                       in  no  no  no  no  no  no  no  do
GET /processes/<int:process_id>/edit                               in  no  no  no  no  no  no  no  ok
POST /processes/<int:process_id>/edit                              in  no  no  no  no  no  no  no  do
GET /processes/<int:process_id>/merge                              in  no  no  no  no  no  ok  no  ok
POST /processes/<int:process_id>/merge                             in  no  no  no  no  no  do  no  do
GET /processes/<int:process_id>/phases/<int:phase_id>              in  no  no  no  no  no  no  no  ok
POST /processes/<int:process_id>/phases/<int:phase_id>             in  no  no  no  no  no  no  no  do
POST /processes/<int:process_id>/phases/<int:phase_id>/delete      in  no  no  no  no  no  no  no  do
GET /processes/<int:process_id>/phases/new                         in  no  no  no  no  no  no  no  ok
POST /processes/<int:process_id>/phases/new                        in  no  no  no  no  no  no  no  do
GET /processes/<int:process_id>/proposals/new                      in  no  ok  ok  ok  ok  ok  no  no
POST /processes/<int:process_id>/proposals/new                     in  no  do  do  do  do  do  no  no
GET /processes/<int:process_id>/surveys                            ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /processes/<int:process_id>/surveys/new                        in  no  no  no  no  no  no  no  ok
POST /processes/<int:process_id>/surveys/new                       in  no  no  no  no  no  no  no  do
GET /processes/new                                                 in  no  no  no  no  no  no  no  ok
POST /processes/new                                                in  no  no  no  no  no  no  no  do
GET /profile                                                       in  ok  ok  ok  ok  ok  ok  ok  ok
POST /profile                                                      in  do  do  do  do  do  do  do  do
POST /profile/delete                                               in  do  do  do  do  do  do  do  do
GET /profile/email/<token>                                         400 400 400 400 400 400 400 400 400
POST /profile/email/<token>                                        do  do  do  do  do  do  do  do  do
GET /profile/my-data                                               in  ok  ok  ok  ok  ok  ok  ok  ok
GET /profile/my-data.json                                          in  ok  ok  ok  ok  ok  ok  ok  ok
POST /profile/password                                             in  do  do  do  do  do  do  do  do
GET /proposals                                                     ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /proposals/<int:proposal_id>                                   ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /proposals/<int:proposal_id>/amendments                        ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /proposals/<int:proposal_id>/amendments/new                    in  no  ok  ok  ok  ok  ok  no  no
POST /proposals/<int:proposal_id>/amendments/new                   in  no  do  do  do  do  do  no  no
POST /proposals/<int:proposal_id>/amendments/window                in  no  no  no  no  no  do  no  do
GET /proposals/<int:proposal_id>/answer                            in  no  no  no  no  no  ok  no  ok
POST /proposals/<int:proposal_id>/answer                           in  no  no  no  no  no  do  no  do
GET /proposals/<int:proposal_id>/attachment                        nf  nf  nf  nf  nf  nf  nf  nf  nf
GET /proposals/<int:proposal_id>/edit                              in  no  no  no  no  no  no  no  no
POST /proposals/<int:proposal_id>/edit                             in  no  no  no  no  no  no  no  no
GET /proposals/<int:proposal_id>/preview                           in  no  no  no  no  no  no  no  no
POST /proposals/<int:proposal_id>/publish                          in  no  no  no  no  no  no  no  no
POST /proposals/<int:proposal_id>/support                          in  no  do  do  do  do  do  no  no
GET /proposals/<int:proposal_id>/translate                         in  no  no  no  no  no  no  no  no
POST /proposals/<int:proposal_id>/translate                        in  no  no  no  no  no  no  no  no
POST /proposals/<int:proposal_id>/unsupport                        in  no  do  do  do  do  do  no  no
POST /proposals/<int:proposal_id>/withdraw                         in  no  no  no  no  no  no  no  no
GET /proposals/feed.atom                                           ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /registrar                                                     in  no  no  no  no  no  no  ok  ok
GET /registrar/accounts/<int:user_id>                              in  no  no  no  no  no  no  ok  ok
POST /registrar/accounts/<int:user_id>/<any(renew,revoke):action>  in  no  no  no  no  no  no  do  do
GET /registrar/cards                                               in  no  no  no  no  no  no  ok  ok
POST /registrar/cards                                              in  no  no  no  no  no  no  do  do
POST /registrar/cards/<int:batch_id>/revoke                        in  no  no  no  no  no  no  do  do
POST /registrar/cards/revoke-code                                  in  no  no  no  no  no  no  do  do
POST /registrar/claims/<int:claim_id>/<any(move,dismiss):action>   in  no  no  no  no  no  no  do  do
GET /registrar/in-person                                           in  no  no  no  no  no  no  ok  ok
POST /registrar/in-person                                          in  no  no  no  no  no  no  do  do
POST /registrar/in-person/confirm                                  in  no  no  no  no  no  no  do  do
GET /registrar/register                                            in  no  no  no  no  no  no  ok  ok
POST /registrar/register                                           in  no  no  no  no  no  no  do  do
GET /report/<target_type>/<int:target_id>                          in  ok  ok  ok  ok  ok  ok  ok  ok
POST /report/<target_type>/<int:target_id>                         in  do  do  do  do  do  do  do  do
GET /reset                                                         ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /reset                                                        do  do  do  do  do  do  do  do  do
GET /reset-code                                                    ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /reset-code                                                   do  do  do  do  do  do  do  do  do
GET /reset/<token>                                                 go  go  go  go  go  go  go  go  go
GET /reset/new-password                                            go  go  go  go  go  go  go  go  go
POST /reset/new-password                                           do  do  do  do  do  do  do  do  do
GET /sessions/<int:session_id>                                     ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /sessions/<int:session_id>/<any(convene,start,close):step>    in  no  no  no  no  do  no  no  do
GET /sessions/<int:session_id>/edit                                in  no  no  no  no  ok  no  no  ok
POST /sessions/<int:session_id>/edit                               in  no  no  no  no  do  no  no  do
GET /sessions/<int:session_id>/items                               in  no  no  no  no  ok  no  no  ok
POST /sessions/<int:session_id>/items                              in  no  no  no  no  do  no  no  do
GET /sessions/<int:session_id>/record.json                         ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /sessions/<int:session_id>/roll-call                           in  no  no  no  no  ok  no  no  ok
POST /sessions/<int:session_id>/roll-call                          in  no  no  no  no  do  no  no  do
GET /sign-in                                                       ok  go  go  go  go  go  go  go  go
POST /sign-in                                                      do  do  do  do  do  do  do  do  do
POST /sign-out                                                     do  do  do  do  do  do  do  do  do
GET /sign-up                                                       ok  go  go  go  go  go  go  go  go
POST /sign-up                                                      do  do  do  do  do  do  do  do  do
POST /survey-questions/<int:survey_question_id>/delete             in  no  no  no  no  no  no  no  no
GET /survey-questions/<int:survey_question_id>/edit                in  no  no  no  no  no  no  no  ok
POST /survey-questions/<int:survey_question_id>/edit               in  no  no  no  no  no  no  no  do
POST /survey-questions/<int:survey_question_id>/move               in  no  no  no  no  no  no  no  no
POST /survey-sections/<int:survey_section_id>/delete               in  no  no  no  no  no  no  no  no
GET /survey-sections/<int:survey_section_id>/edit                  in  no  no  no  no  no  no  no  ok
POST /survey-sections/<int:survey_section_id>/edit                 in  no  no  no  no  no  no  no  do
GET /survey-sections/<int:survey_section_id>/questions/new         in  no  no  no  no  no  no  no  no
POST /survey-sections/<int:survey_section_id>/questions/new        in  no  no  no  no  no  no  no  no
GET /surveys/<int:survey_id>                                       ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /surveys/<int:survey_id>/answer                                in  no  ok  ok  ok  ok  ok  no  no
POST /surveys/<int:survey_id>/answer                               in  no  do  do  do  do  do  no  no
POST /surveys/<int:survey_id>/close                                in  no  no  no  no  no  no  no  do
GET /surveys/<int:survey_id>/edit                                  in  no  no  no  no  no  no  no  ok
POST /surveys/<int:survey_id>/edit                                 in  no  no  no  no  no  no  no  do
GET /surveys/<int:survey_id>/manage                                in  no  no  no  no  no  no  no  ok
POST /surveys/<int:survey_id>/publish                              in  no  no  no  no  no  no  no  no
GET /surveys/<int:survey_id>/responses.csv                         in  no  no  no  no  no  no  no  ok
POST /surveys/<int:survey_id>/responses/<response_id>/hide         in  no  no  no  no  no  no  no  do
GET /surveys/<int:survey_id>/results                               ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /surveys/<int:survey_id>/results-visibility                   in  no  no  no  no  no  no  no  do
POST /surveys/<int:survey_id>/sections                             in  no  no  no  no  no  no  no  no
GET /surveys/<int:survey_id>/thanks                                ok  ok  ok  ok  ok  ok  ok  ok  ok
POST /unfollow/<target_type>/<int:target_id>                       in  do  do  do  do  do  do  do  do
GET /verify                                                        ok  ok  ok  ok  ok  ok  ok  ok  ok
GET /verify/birth-year                                             in  no  ok  ok  ok  ok  ok  no  no
POST /verify/birth-year                                            in  no  do  do  do  do  do  no  no
POST /verify/code                                                  in  do  do  do  do  do  do  do  do
GET /verify/in-person                                              in  ok  ok  ok  ok  ok  ok  ok  ok
POST /verify/in-person                                             in  do  do  do  do  do  do  do  do
POST /verify/register                                              in  do  do  do  do  do  do  do  do
"""


def _parse(table: str) -> dict[str, dict[str, str]]:
    matrix = {}
    for number, line in enumerate(table.strip().splitlines(), start=1):
        method, rule, *symbols = line.split()
        assert len(symbols) == len(ROLES), \
            f"line {number} ({rule}): {len(symbols)} columns, {len(ROLES)} roles"
        unknown = set(symbols) - SYMBOLS
        assert not unknown, f"line {number} ({rule}): unknown symbols {unknown}"
        assert method != "GET" or "do" not in symbols, f"line {number}: 'do' is for POST"
        key = f"{method} {rule}"
        assert key not in matrix, f"line {number}: {key} twice"
        matrix[key] = dict(zip(ROLES, symbols, strict=True))
    return matrix


#: "METHOD rule" → {role: symbol}
MATRIX = _parse(TABLE)
