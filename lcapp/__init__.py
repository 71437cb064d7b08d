"""LCApp: socio-economic reports of Lai Châu's local governments."""

__version__ = "0.1.0"
