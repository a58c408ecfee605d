"""The Qt shell. It calls services of the core and renders their results: no SQL, no parsing, no scoring."""
