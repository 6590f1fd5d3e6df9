"""The education team's own pages (rule education_team): the work waiting, and matching a
school's notice that found no child."""
