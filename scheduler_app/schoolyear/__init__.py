"""The school year: public holidays and make-up days, terms, site closures, children away, and attendance."""
