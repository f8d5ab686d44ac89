"""The demo world: a realistic, synthetic region for trying routeplus. No real persons."""
