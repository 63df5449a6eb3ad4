"""The Flet kiosk UI: thin screens over the core.

app.py         serve the web UI
services.py    state shared by every tablet (content, stores, settings, sync)
session.py     one tablet: which screen shows, the idle watch; the screens' host
staff_desk.py  the staff half of a session
talk_desk.py   the 'I'd like to talk to someone' half of a session
host.py        the narrow :class:`Host` protocol screens talk to
theme.py       sizes, colours, shared building blocks
screens/       one module per screen family
widgets/       controls more than one screen uses
"""
