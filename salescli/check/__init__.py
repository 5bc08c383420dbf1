"""`salescli check` and the warnings every read gives: what can be wrong in a data folder.

    rules     every way a customer document can be wrong, and the checks between files (pure)
    infile    one customer file's text: merge conflicts, YAML, then the rules, at line and column
    infolder  every file of a folder, what was found in each kept in the parse cache
"""
