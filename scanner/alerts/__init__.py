"""Alerts: tell people (a webhook, Slack) and a SIEM (AWS Security Hub) what a scan found.

People are told only what changed for the worse — a failing finding that is ``new`` or ``regressed``
against the history store — so a scheduled or event-driven scan does not repeat yesterday's news.
Security Hub receives every live AWS finding in ASFF (every status, so a fixed resource resolves its
earlier finding); it is the only write call mlscan makes, opt-in, and only to Security Hub.
"""
