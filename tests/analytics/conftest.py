# The portal tests' real local SMTP server, for the survey invitations.
from tests.portal.conftest import smtp_server  # noqa: F401 -- a fixture, used by name
