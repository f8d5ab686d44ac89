"""Users whose organisation serves given municipalities (their werkgebied), for the monitor's scope."""

from routeplus.accounts.models import Role, User
from routeplus.testing.factories import OrganisationFactory, SchoolFactory, municipality, professional


def serving(role: str, *codes: str, **user_fields: object) -> User:
    """A user with one active membership in an organisation serving these municipalities (default Groningen)."""
    organisation = SchoolFactory() if role == Role.SCHOOL_COORDINATOR else OrganisationFactory()
    organisation.municipalities.add(*(municipality(code) for code in codes or ("GM0014",)))
    return professional(role, organisation=organisation, **user_fields)
