"""The programs: the Flet kiosk UI (``ui``), the ``esafety`` command (``cli``), and the
hub's web side (``hub``). Importing this package does not import Flet.
"""
