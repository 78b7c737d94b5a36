"""JSON API v1: bearer tokens, the same shared/ functions and scope rules as the pages."""
