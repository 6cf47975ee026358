"""A load benchmark of the web app under gunicorn: volunteers, coordinators and a roster generation at once
(`python -m loadtest`)."""
