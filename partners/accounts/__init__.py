"""Account administration and set-up links: the writes (services), what administrators look at
(selectors), the pages (views) and the middleware holding a reset account to "Change your
password"."""
