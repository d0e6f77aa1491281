"""The dashboard's pages, one module per area; each route checks access first."""
