"""Where each role starts, and what the navigation offers it.

`pages.py` holds the data: the pages the navigation may link to (`PAGES`), each role's start
page and the few pages it sees in the navigation bar (`HOMES`), and the start pages that depend
on the team (`TEAM_HOMES`: personal advisers in a care leavers team). `navigation.py` turns that
data into the navigation for one user, showing a page only when the route's own access rule lets
the user in. `views.py` holds the "Home" page (a redirect to the start page), the partner's home
and the "More" page listing everything a user may use.
"""
