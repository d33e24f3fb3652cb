"""Messages to guests: templates, composition, the outbox sender and its transports (SMTP, .eml files, SMS port)."""
