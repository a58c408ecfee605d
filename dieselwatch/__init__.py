"""DieselWatch: review of China VI heavy-duty diesel remote OBD monitoring data."""

__version__ = "0.1.0"
