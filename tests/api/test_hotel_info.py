"""GET /v1/hotel: the public facts the receptionist answers callers from."""

from __future__ import annotations

import pytest

from tests.conftest import headers

pytestmark = pytest.mark.api


async def hotel(client, role: str = "agent") -> dict:
    response = await client.get("/v1/hotel", headers=headers(role))
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_demo_hotel_facts(client):
    facts = await hotel(client)

    assert facts["name"] == "Grand Hotel"
    assert facts["address"] == "1200 Ocean Drive, Miami Beach, FL 33139, US"
    assert (facts["phone"], facts["timezone"], facts["currency"]) == ("+13055550100", "America/New_York", "USD")
    assert (facts["check_in_time"], facts["check_out_time"]) == ("15:00", "11:00")
    assert facts["early_check_in"] == {"available": True, "fee": 40.0, "earliest_time": "12:00"}
    assert facts["late_check_out"] == {"available": True, "fee": 40.0, "latest_time": "14:00"}
    policies = facts["policies"]
    assert policies["pets"].startswith("Dogs up to 25 pounds are welcome")
    assert policies["children"].startswith("Children under 12 stay free")
    assert policies["smoking"].startswith("The hotel is entirely non-smoking")
    assert policies["cancellation"] == "Free cancellation until 24 hours before arrival; one night's charge applies after that."
    assert policies["deposit"] == "No deposit is needed to book; payment is taken at the hotel."
    assert set(facts["info"]) == {
        "parking", "breakfast", "wifi", "pool", "fitness", "restaurant", "location", "airport", "accessibility",
    }
    assert facts["packages"][0] == {
        "code": "romance_package", "name": "Romance Package", "price": 75.0, "per": "stay",
        "description": "Champagne, chocolate-dipped strawberries and rose petals on arrival.",
    }
    types = {t["code"]: t for t in facts["room_types"]}
    assert set(types) == {"STD", "DLX", "STE", "FAM"}
    assert types["DLX"]["beds"] == [{"code": "KING", "description": "One King Bed"}, {"code": "TWIN", "description": "Two Twin Beds"}] and types["DLX"]["views"] == ["city", "garden", "pool"]
    assert types["FAM"]["max_occupancy"] == 5
    assert types["STE"]["amenities"] == ["WiFi", "TV", "Safe", "Mini Bar", "Espresso machine", "Bathrobes", "Soaking tub", "Balcony"]
    assert facts["voice_agent_settings"] == {
        "greeting_name": "Roomi", "transfer_number": "+13055550100", "voice_id": "aura-2-thalia-en", "language": "en-US",
    }


async def test_settings_changes_reach_the_facts(client):
    response = await client.put(
        "/v1/admin/settings",
        json={
            "policies": {"deposit_required": True, "deposit_percentage": 20,
                         "cancellation_default": {"type": "strict", "free_cancellation_hours": 72,
                                                  "penalty_type": "percentage", "penalty_amount": 50}},
            "info": {"spa": "The spa opens at nine.", "parking": None},
            "address": {"street": "1 Main Street", "city": "Springfield", "state": None, "postal_code": None, "country": None},
        },
        headers=headers("admin"),
    )
    assert response.status_code == 200, response.text

    facts = await hotel(client, "staff")

    assert facts["policies"]["deposit"] == "A deposit of 20 percent of the total is charged to a card when booking."
    assert facts["policies"]["cancellation"] == (
        "Free cancellation until 3 days before arrival; 50% of the total applies after that."
    )
    assert facts["info"]["spa"] == "The spa opens at nine." and "parking" not in facts["info"]
    assert facts["address"] == "1 Main Street, Springfield"


async def test_every_role_may_read_it_but_not_anonymously(client):
    for role in ("admin", "staff", "agent"):
        assert (await client.get("/v1/hotel", headers=headers(role))).status_code == 200
    anonymous = await client.get("/v1/hotel")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
