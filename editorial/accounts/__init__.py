"""Accounts: signing in with a second factor, throttling, invitations, the role log.

django-allauth does the signing in (password, then TOTP or a passkey), password resets and
recovery codes; django-axes counts failed sign-ins in the database. This package holds what
is ours: where each person lands, who must have a second factor, who may invite whom and
the headers every working page carries.
"""
