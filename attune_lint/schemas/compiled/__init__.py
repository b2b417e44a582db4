"""Generated validity checks, one module per schema kind (see ../generate.py)."""
