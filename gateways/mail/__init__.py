"""The e-mail channel's gateway: reading mail the office receives (MIME) and composing the mail it sends."""
