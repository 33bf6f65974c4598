"""Tests for scanner/report."""
