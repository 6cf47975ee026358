"""A child's privacy: guardian consent, the child's data on request, anonymisation with a second approval."""
