"""Tests for scanner/compliance."""
