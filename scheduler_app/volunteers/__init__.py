"""Volunteers: tutors and volunteer mothers, their reach, load limits, availability and dates away."""
