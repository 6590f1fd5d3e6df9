"""The CIN census: the XML return, its validation and its pages."""
