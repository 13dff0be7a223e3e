"""tipdash: indicators of Moldova's Territorial Commissions for combating trafficking in human beings."""
__version__ = "0.1.0"
