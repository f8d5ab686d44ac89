"""Routes, trajectories, their status history and the team around each trajectory."""
