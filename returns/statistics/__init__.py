"""Published statistics: the tables and their pages."""
