"""Records coordinators keep (children, volunteers, sites, villages): fields, rules, saving and spreadsheets."""
