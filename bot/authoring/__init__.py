"""Tools for the people who edit knowledge/: scores on labelled questions, what an edit
changes, which article sections the examples cover, and the whole as a picture."""
