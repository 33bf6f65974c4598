"""Tests for scanner/gate."""
