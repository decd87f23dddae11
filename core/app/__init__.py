"""Everything of Latent Lab that imports Streamlit: the app's side of the boundary.

`core` outside this package (models, data, training, the zoo, latent analysis, cards) never
imports Streamlit, so a notebook or the command line can use it; tests/unit/test_boundary.py
checks that. Pages use these modules:

- `course`: the lessons in order, their page files and URLs
- `selection`: which model a page shows (`ModelRef` in, model, codes and card out), cached
- `sidebar`: the model picker, the share link and the model card
- `layout`: a lesson's frame (title, parts in tabs, notices, code, next lesson, failing parts)
- `charts`: pictures of digits and the charts several lessons share
- `sliders`: the browser component that decodes in the student's browser
- `warmup`, `serving`: a class server's warm start and process settings
"""
