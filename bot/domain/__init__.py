"""Pure rules: no discord, no SQL, no I/O, no wall clock. Callers pass `now` and data."""
