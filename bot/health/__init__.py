"""What /setup health shows: jobs, the last sweep and tick, deliveries, problems."""
