"""Getting records from kiosks to the lead's hub, exactly once, by network or USB stick.

bundle.py     the authenticated bundle format (a file, or a push's body)
pairing.py    one-time pairing codes and the secret they deliver
transport.py  how a kiosk reaches the hub (injected; HTTP for real)
outbox.py     the kiosk's side: what is waiting, pairing, pushing, bundles
hub.py        the hub's side: pairing, journal, merge, log
"""
