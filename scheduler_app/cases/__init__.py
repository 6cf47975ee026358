"""Safeguarding cases: a worrying observation opens (or joins) the child's case, with its actions, referrals,
mandatory report, case plan and timeline; volunteers raise concerns and see that they were received."""
