"""A pupil asks to talk to a trusted adult: the request, sealed to the school's key like a
signature, and kept apart from every answer.

model.py     a :class:`HelpRequest`, its reasons, and the form a pupil fills in
sealing.py   seal a request to the public key (one size, whatever was typed); open it
store.py     sealed requests on disk (crash-safe, sharded), as signatures are kept
status.py    the lead's marks: seen, acted on (with the day, and a sealed note)
"""
