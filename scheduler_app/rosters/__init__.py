"""The weekly roster: generate it in the background, review it, publish it."""
