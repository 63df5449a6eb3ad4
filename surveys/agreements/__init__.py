"""Acceptable Use Policies: the agreement texts, signing them, and keeping signatures sealed
(to the school's key, :mod:`surveys.keys`).

aup.py       the models: an agreement (:class:`Aup`), a signer, a :class:`Signature`
signing.py   signing at the kiosk, as a plain state machine
sealing.py   seal a signature to the public key; open it with the private key
store.py     sealed signatures on disk (crash-safe, sharded)
"""
