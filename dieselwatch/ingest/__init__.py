"""Reading exports: encodings, header aliases, units, sentinels, timestamps, VINs."""
