"""Peiban's weekly roster solver: pure Python, speaks only the roster-instance/1 and roster/1 contract."""

from solver.instance import Instance, InstanceError, parse_instance
from solver.roster import Roster, parse_roster

__all__ = ["Instance", "InstanceError", "Roster", "parse_instance", "parse_roster"]
