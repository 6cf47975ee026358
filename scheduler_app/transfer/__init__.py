"""Spreadsheets in and out: import villages, sites, volunteers and children; export them; blank templates."""
