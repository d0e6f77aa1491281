"""Mock interviews: questions, hints, ratings, spaced review, mocks, pairs, the daily question."""
