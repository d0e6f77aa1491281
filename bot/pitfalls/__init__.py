"""Pitfall nudges: tutorial hell, perfectionism, isolation, the theory-practice gap."""
