"""Background work of the feedback app, one module per feature; every task is safe to run
twice."""
