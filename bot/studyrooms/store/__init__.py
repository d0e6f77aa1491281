"""The SQL of study rooms (`rooms`), voice sessions (`sessions`) and focus sessions (`focus`)."""
