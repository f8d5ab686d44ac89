"""routeplus: case management and monitoring for Route Arbeid+ and its sibling routes."""
