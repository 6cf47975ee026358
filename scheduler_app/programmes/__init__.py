"""The organisation's programmes beyond tutoring and home visits: one-off activities (museum visits, competitions)."""
