"""The open-data amendments: JSON, CSV and the OpenAPI document; hidden ones and drafts' are never listed."""

from __future__ import annotations

from datetime import timedelta

from consult.core.models import utcnow
from consult.extensions import db
from consult.proposals import amendments


def test_public_amendments_in_json_csv_and_openapi(client, process, resident, make_proposal, make_resident):
    from consult.moderation import services as moderation

    proposal = make_proposal(process, resident, title="Resident cards", body="A card.")
    amendments.set_window(proposal, resident, utcnow() + timedelta(days=2))
    amina = make_resident(username="amina", display_name="Amina")
    shown = amendments.propose(proposal, amina, title="Resident cards", body="A free card.",
                               explanation="Cost.")
    hidden = amendments.propose(proposal, amina, title="Resident cards", body="Rude.", explanation="Rude.")
    moderation.hide(hidden, make_resident(username="mod", roles=("moderator",)), "Insults")
    amendments.reject(shown, resident, "Not this year.")
    db.session.commit()
    data = client.get("/api/v1/amendments").get_json()
    assert [item["id"] for item in data["data"]] == [shown.id]
    item = data["data"][0]
    assert item["state"] == "rejected" and item["reason"] == "Not this year." and item["author"] == "Amina"
    assert item["proposal_id"] == proposal.id and item["out_of_date"] is False
    assert client.get(f"/api/v1/amendments/{hidden.id}").status_code == 404
    csv = client.get("/api/v1/amendments.csv")
    assert csv.status_code == 200 and "Not this year." in csv.get_data(as_text=True)
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/v1/amendments" in spec["paths"] and "Amendment" in spec["components"]["schemas"]
