"""Grand Hotel: the demo property loaded by `roomi seed --demo` (amounts in dollars)."""

from __future__ import annotations

HOTEL_SETTINGS = {
    "hotel_id": "HOTEL-001",
    "name": "Grand Hotel",
    "brand": "Grand Hotels",
    "address": {
        "street": "1200 Ocean Drive",
        "city": "Miami Beach",
        "state": "FL",
        "postal_code": "33139",
        "country": "US",
    },
    "phone": "+13055550100",
    "email": "frontdesk@grandhotel.example",
    "timezone": "America/New_York",
    "currency": "USD",
    "check_in_time": "15:00",
    "check_out_time": "11:00",
    "early_check_in": {"available": True, "fee": 40.0, "earliest_time": "12:00"},
    "late_check_out": {"available": True, "fee": 40.0, "latest_time": "14:00"},
    "policies": {
        "cancellation_default": {"type": "flexible", "free_cancellation_hours": 24, "penalty_type": "first_night"},
        "deposit_required": False,
        "deposit_percentage": 0,
        "children_policy": "Children under 12 stay free using existing bedding. Cribs are free on request.",
        "pet_policy": "Dogs up to 25 pounds are welcome for a fee of 75 dollars per stay. Service animals are always welcome at no charge.",
        "smoking_policy": "The hotel is entirely non-smoking, including balconies. Smoking in a room incurs a 250 dollar cleaning fee.",
    },
    "info": {
        "parking": "Valet parking is 35 dollars per night with in and out privileges. There is no self parking on site.",
        "breakfast": "Breakfast is served from 6:30 to 10:30 in the Atrium restaurant for 28 dollars per person, and is included with the Bed and Breakfast rate.",
        "wifi": "Wifi is free throughout the hotel. Join the GrandHotel-Guest network; no password is needed.",
        "pool": "The rooftop pool is open from 7 in the morning to 9 in the evening, with towels at the pool deck.",
        "fitness": "The fitness center on the second floor is open 24 hours with your room key.",
        "restaurant": "The Atrium serves breakfast and dinner, and the Lobby Bar is open from noon to midnight. Room service runs from 6 in the morning to 11 at night.",
        "location": "We are at 1200 Ocean Drive in Miami Beach, on the beach, about 25 minutes from Miami International Airport.",
        "airport": "We don't run a shuttle; a taxi from Miami International takes about 25 minutes and costs around 35 dollars.",
        "accessibility": "Accessible rooms with roll-in showers are available in every room type; please ask when booking.",
    },
    "taxes": [
        {"name": "Occupancy Tax", "type": "percentage", "amount": 12.5},
        {"name": "Tourism Development Tax", "type": "flat_per_night", "amount": 2.5},
    ],
    "fees": [{"name": "Amenity Fee", "amount": 15.0, "per": "night"}],
    "packages": [
        {"code": "romance_package", "name": "Romance Package", "price": 75.0, "per": "stay",
         "description": "Champagne, chocolate-dipped strawberries and rose petals on arrival."},
        {"code": "breakfast", "name": "Breakfast", "price": 28.0, "per": "person_night",
         "description": "Buffet breakfast in the Atrium."},
        {"code": "parking", "name": "Valet Parking", "price": 35.0, "per": "night",
         "description": "Valet parking with in and out privileges."},
    ],
    "discount_codes": [
        {"code": "SUMMER20", "type": "percentage", "amount": 20, "description": "20% off the room rate",
         "valid_from": "2026-05-01", "valid_to": "2026-09-30"},
        {"code": "WELCOME25", "type": "flat", "amount": 25, "description": "25 dollars off stays of two nights or more",
         "min_nights": 2},
    ],
    "voice_agent_settings": {
        "greeting_name": "Roomi",
        "voice_id": "aura-2-thalia-en",
        "language": "en-US",
        "backup_language": "es",
        "max_call_duration": 900,
        "transfer_number": "+13055550100",
    },
}

ROOM_TYPES = [
    {
        "type_code": "STD", "name": "Standard Room",
        "description": "A comfortable 300 square foot room with a queen bed or two twin beds, city or garden view.",
        "base_occupancy": 2, "max_occupancy": 3, "max_adults": 3, "extra_person_charge": 25.0,
        "bed_configurations": [{"code": "QUEEN", "description": "One Queen Bed"}, {"code": "TWIN", "description": "Two Twin Beds"}],
        "amenities": ["WiFi", "TV", "Safe", "Coffee maker"], "size_sqft": 300,
        "view_options": ["city", "garden"], "is_accessible": True,
        "rooms": {"floors": [2, 3, 4], "per_floor": 13, "beds": ["QUEEN", "TWIN"], "views": ["city", "garden"]},
    },
    {
        "type_code": "DLX", "name": "Deluxe Room",
        "description": "A 400 square foot room with a king bed or two twin beds, a sitting area and a city, garden or pool view.",
        "base_occupancy": 2, "max_occupancy": 3, "max_adults": 3, "extra_person_charge": 30.0,
        "bed_configurations": [{"code": "KING", "description": "One King Bed"}, {"code": "TWIN", "description": "Two Twin Beds"}],
        "amenities": ["WiFi", "TV", "Safe", "Mini Bar", "Coffee maker", "Bathrobes"], "size_sqft": 400,
        "view_options": ["city", "garden", "pool"], "is_accessible": True,
        "rooms": {"floors": [5, 6, 7], "per_floor": 11, "beds": ["KING", "KING", "TWIN"], "views": ["city", "garden", "pool"]},
    },
    {
        "type_code": "STE", "name": "Suite",
        "description": "A 700 square foot suite with a king bedroom, a separate living room with a sofa bed, and an ocean or city view.",
        "base_occupancy": 2, "max_occupancy": 4, "max_adults": 3, "extra_person_charge": 40.0,
        "bed_configurations": [{"code": "KING", "description": "One King Bed and a Sofa Bed"}],
        "amenities": ["WiFi", "TV", "Safe", "Mini Bar", "Espresso machine", "Bathrobes", "Soaking tub", "Balcony"], "size_sqft": 700,
        "view_options": ["ocean", "city"], "is_accessible": True,
        "rooms": {"floors": [8, 9], "per_floor": 6, "beds": ["KING"], "views": ["ocean", "ocean", "city"]},
    },
    {
        "type_code": "FAM", "name": "Family Room",
        "description": "A 500 square foot room with two queen beds or a king and bunk beds, sleeping up to five, with a garden or pool view.",
        "base_occupancy": 4, "max_occupancy": 5, "max_adults": 4, "extra_person_charge": 25.0,
        "bed_configurations": [{"code": "QUEEN", "description": "Two Queen Beds"}, {"code": "KING", "description": "One King Bed and Bunk Beds"}],
        "amenities": ["WiFi", "TV", "Safe", "Mini fridge", "Coffee maker"], "size_sqft": 500,
        "view_options": ["garden", "pool"], "is_accessible": True,
        "rooms": {"floors": [1], "per_floor": 16, "beds": ["QUEEN", "QUEEN", "KING"], "views": ["garden", "pool"]},
    },
]

# per room type: weekday rate and Friday/Saturday rate, in dollars
BAR_PRICES = {"STD": (149, 179), "DLX": (199, 239), "STE": (389, 449), "FAM": (259, 299)}

FLEXIBLE = {"type": "flexible", "free_cancellation_hours": 24, "penalty_type": "first_night", "penalty_amount": 0}
MODERATE = {"type": "moderate", "free_cancellation_hours": 48, "penalty_type": "first_night", "penalty_amount": 0}
STRICT = {"type": "strict", "free_cancellation_hours": 72, "penalty_type": "percentage", "penalty_amount": 50}

RATE_PLANS = [
    {"rate_code": "BAR", "name": "Best Available Rate", "factor": 1.0, "extra": 0,
     "description": "Our flexible rate with free cancellation until 24 hours before arrival.",
     "includes": [], "min_stay": 1, "max_stay": 30, "advance_booking_days": 0, "policy": FLEXIBLE, "eligibility": ""},
    {"rate_code": "AAA", "name": "AAA Member Rate", "factor": 0.9, "extra": 0,
     "description": "Ten percent off the best available rate for AAA and CAA members.",
     "includes": [], "min_stay": 1, "max_stay": 14, "advance_booking_days": 0, "policy": MODERATE,
     "eligibility": "AAA or CAA membership card shown at check-in"},
    {"rate_code": "CORP", "name": "Corporate Rate", "factor": 0.85, "extra": 0,
     "description": "Fifteen percent off for business travellers of partner companies.",
     "includes": ["wifi"], "min_stay": 1, "max_stay": 14, "advance_booking_days": 0, "policy": STRICT,
     "eligibility": "company ID or corporate code shown at check-in"},
    {"rate_code": "PKG_BB", "name": "Bed and Breakfast", "factor": 1.0, "extra": 30,
     "description": "Breakfast for two included every morning; book at least 2 days ahead for 2 nights or more.",
     "includes": ["breakfast"], "min_stay": 2, "max_stay": 21, "advance_booking_days": 2, "policy": MODERATE,
     "eligibility": ""},
]

DEMO_USERS = [("admin", "admin", "grandhotel-admin"), ("staff", "staff", "grandhotel-staff"), ("agent", "agent", "grandhotel-agent")]
