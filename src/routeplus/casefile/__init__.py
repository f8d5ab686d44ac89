"""The shared case file: plan and goals, placements, provisions, results, contacts, bottlenecks, timeline."""
