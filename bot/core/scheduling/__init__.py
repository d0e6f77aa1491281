"""Scheduling: APScheduler for a handful of jobs, the due-reminder dispatcher, the delivery
ledger and the one way scheduled messages reach Discord.
"""
