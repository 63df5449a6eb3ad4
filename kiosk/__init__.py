"""The Flet kiosk: thin screens over the core. Importing this package does not import Flet."""
