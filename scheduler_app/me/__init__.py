"""A volunteer's own pages: answer assignments, keep availability and dates away current."""
