"""The benchmark: a synthetic national data set, floor pages and the measurements of issue 11."""
