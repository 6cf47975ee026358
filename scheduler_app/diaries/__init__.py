"""Diary review: managers approve service diaries (only approved hours count) or return them with a comment."""
