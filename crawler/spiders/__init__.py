"""One spider per portal CMS family; portals are configuration (portals.yml)."""
