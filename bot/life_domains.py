"""The life domains of a help question (contracts §1)."""

LIFE_DOMAINS: tuple[str, ...] = (
    "income",
    "debt",
    "housing",
    "energy",
    "health",
    "care",
    "family",
    "work",
    "legal",
    "safety",
    "wellbeing",
    "food",
    "admin",
)


def check_domains(codes: list[str]) -> list[str]:
    """Returns the codes unchanged, or raises ValueError naming an unknown one."""
    unknown = [code for code in codes if code not in LIFE_DOMAINS]
    if unknown:
        raise ValueError(f"unknown life domain(s): {', '.join(unknown)}")
    return codes
