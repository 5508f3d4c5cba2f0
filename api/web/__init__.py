"""The web pages of `articulation serve`: student and director pages, offline API docs."""
