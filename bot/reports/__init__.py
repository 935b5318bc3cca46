"""Reports a county clerk can read: statistics, unanswered questions, the announcement schedule."""
