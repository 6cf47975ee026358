"""The solver's contract (../shared/contract/) as the web app speaks it, both ways: ``instance`` builds a week's
roster-instance/1 from the database; ``roster`` turns a roster/1 into a draft's assignments and a stored roster
back into roster/1. Both use the solver's own constants (schema names, day names)."""
