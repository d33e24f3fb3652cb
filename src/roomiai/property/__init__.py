"""The hotel's property document (settings, room types, rooms, rates, packages, discount codes): schema, checks, files."""
