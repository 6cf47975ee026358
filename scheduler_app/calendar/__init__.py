"""Private calendar feeds: a volunteer's published assignments as iCalendar, behind a revocable secret link."""
