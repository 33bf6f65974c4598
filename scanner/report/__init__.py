"""Outputs: the JSON contract every format derives from, the console table, and the rendered reports."""
