"""Reading files from outside: forms and lists that offices and the province send, read as values
only (never formulas), bounded in size, checked row by row and previewed before anything is written.
"""
