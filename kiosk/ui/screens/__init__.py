"""Screens: each ``build_*`` function takes the host (and what it shows) and returns controls.

See :mod:`kiosk.ui.host` for the calls a screen may make.
"""
