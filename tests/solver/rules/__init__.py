"""Tests that read as the rules: one module per rule family of solver/rules/."""
