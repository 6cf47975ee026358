"""The family call window: children's weekly video or voice calls with their parents, planned with CP-SAT.

Its own documents (``call-instance/1`` in, ``call-schedule/1`` out, schemas in ``schemas/``), its own rules (one
module per rule family in ``rules/``), a solver-free checker (``check.py``) and a reason per child left short
(``explain.py``). Like the rest of ``solver/`` it never imports Flask or SQLAlchemy.
"""
