"""Base templates, navigation, components and static assets shared by every page."""
