"""Goal-driven simulated callers: generated goals, a caller that reads Roomi's replies, a grader on the API's end state."""
