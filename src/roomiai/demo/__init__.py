"""The Grand Hotel demo: its users, loading its property file, and realistic bookings (never in production)."""
