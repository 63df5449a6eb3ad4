"""A data folder on disk: crash-safe files, their names, and the stores built on them.

files.py      the one atomic writer, the writer lock, shard shelves (disk, memory)
layout.py     every file and folder name in a data folder
shards.py     what both record stores share: shard files opened once, one writer
responses.py  anonymous responses (:class:`ResponseStore`)
settings.py   the kiosk's settings, the staff PIN and its back-off
texts.py      the questionnaire and agreement texts records were made on
"""
