"""Workshop mode: a trainer runs a hands-on session for about twenty producers, offline."""
