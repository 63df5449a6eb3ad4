"""Controls screens share: a help route card (it takes the host for its words), the signature
pad."""
