"""The core every feature uses and that uses no feature.

Clock, settings, errors, checks, the store engine, scheduling and delivery.
"""
