"""Pre-proceedings under the Public Law Outline (Practice Direction 12A): the rules and their
writes (services), what the records hold (selectors), the forms, the pages and their routes."""
