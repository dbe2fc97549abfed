"""Helpers the tests of several apps share (not imported by the application)."""
