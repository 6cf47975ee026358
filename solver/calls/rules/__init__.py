"""The call window's rules, one module per family, each with its rule in its docstring.

Each module holds the rule once: the predicate the candidates use, the constraint the CP-SAT model adds, and the
check the solver-free checker runs on every schedule.
"""
