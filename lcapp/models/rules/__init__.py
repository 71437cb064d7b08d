"""The rules of the figure checks, one module per family; `names` lists the built-in ones."""
