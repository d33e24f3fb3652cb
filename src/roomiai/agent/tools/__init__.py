"""The receptionist's function tools, one module per area; each turns a request into API calls and a compact result."""
