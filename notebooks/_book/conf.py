"""Sphinx configuration of the course book; ``notebooks/_book/build.py`` runs Sphinx with it.

The sources are laid out by build.py in ``.cache/book/src/``; the environment variables set there
choose the execution cache folder (keyed on a hash of ``cxkit/``), whether notebooks execute, and
the edition (student: solutions in closed dropdowns; teacher: solutions open).
"""

import os

project = "cxkit: a course in customer-experience research"
author = "The cxkit developers"
copyright = "the cxkit developers, GPL-3.0-or-later"  # noqa: A001 (Sphinx's name)

TEACHER = bool(os.environ.get("CXKIT_BOOK_TEACHER"))

extensions = ["myst_nb", "sphinx_exercise", "sphinx_togglebutton"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]

# --- notebooks (myst-nb) ---
# "cache": a notebook executes only when its code cells changed since the cached run; build.py
# puts the cache in a folder named by the hash of the package's sources, so a change to cxkit/
# executes everything again.
nb_execution_mode = os.environ.get("CXKIT_BOOK_EXECUTE", "cache")
nb_execution_cache_path = os.environ.get("CXKIT_BOOK_CACHE", ".jupyter_cache")
nb_execution_raise_on_error = True  # a notebook that raises fails the build
nb_execution_show_tb = True
nb_execution_timeout = 600
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# --- the site ---
html_theme = "sphinx_book_theme"
html_title = "cxkit course"
html_static_path = []
html_show_sourcelink = False
# pydata-sphinx-theme (under sphinx-book-theme) logs a console error when the mode is unset
html_context = {"default_mode": "auto"}
# the header has a search button already: no second search field in the sidebar
html_sidebars = {"**": ["navbar-logo.html", "sbt-sidebar-nav.html"]}
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
}
if TEACHER:
    html_theme_options["announcement"] = "Teacher edition: every solution is shown open."
    # no element is collapsible: the solutions' "dropdown" class is left without a toggle
    togglebutton_selector = ".cxkit-no-toggle"
