"""Managers' dashboard (charts drawn server-side as SVG) and the funders' report for a month or a term."""
