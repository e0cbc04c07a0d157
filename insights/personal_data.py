"""Excerpts of what members wrote, on account erasure.

Imported from InsightsConfig.ready(): `community` keeps the registry and never imports us.
"""
