"""Synthetic demo fleet: a registry workbook and 1 Hz monitoring exports with planted behaviours."""
