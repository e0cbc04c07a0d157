"""Insights' section of the member dashboard: what happened with what you said.

Imported from InsightsConfig.ready().
"""
