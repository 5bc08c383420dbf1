"""`salescli web`: a local web page over the data folder (Flask and Jinja2, from the `web` extra).

`data` is all the page reads and writes, `pages` and `charts` shape what it shows, `app` has the
routes and the safety rules, `serve` runs it, `text` holds the one `_()` every page string goes
through. Nothing outside `commands/web.py` imports this package: other commands never load Flask.
"""
