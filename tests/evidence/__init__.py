"""Tests for scanner/evidence."""
