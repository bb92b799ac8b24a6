"""The one small-group threshold of SPEC §3, shared by every stage that counts people.

A group of fewer than :data:`MIN_GROUP_SIZE` people is flagged by the impact marts, withheld by
the serving copy and never named or drawn by the reports. It lives at the bottom of ``lib`` (no
imports) so impact, reports and serving all read it without importing each other.
"""

from __future__ import annotations

MIN_GROUP_SIZE = 5

