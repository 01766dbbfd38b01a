"""The local offer (GBO functions 4° and 5°): an HSDS 3.0 directory, shown neutrally.

- `Directory(engine)`: `import_hsds(data)` (validated, all or nothing, upsert by id),
  `export()` (HSDS 3.0 service objects), `search(postcode, domains, language=None,
  open_now=False, at=None)`, `core_actors(postcode, domains)`, `get(service_id)`.
- `short_line`, `details`, `orienting_advice`: the items in words, in nl/fr/en.
- `load_demo(engine)`: the shipped demo directory, when the directory is empty.

Neutral order (everywhere: search, core actors, the CLI and the assistant):
alphabetical by organization name, then service name, rotated by one place per
calendar day in Brussels, so on day D a list of n providers starts at provider
D mod n. Everyone sees the same list on the same day; over n days each provider
is first exactly once. Every fitting provider is listed; none is described as
better (see bot.offer.ordering).

HSDS conventions Wegwijs reads (life domains and GBO roles as taxonomy terms,
postcodes served as service areas, French and English texts as translation
attributes): see bot.offer.hsds.
"""

from bot.offer.directory import DEMO_FILE, Directory, check_postcode, load_demo
from bot.offer.hsds import GBO_ROLES
from bot.offer.model import ImportReport, LocalText, OfferImportError, OfferItem, Problem
from bot.offer.ordering import neutral_order
from bot.offer.render import details, orienting_advice, short_line

__all__ = [
    "DEMO_FILE",
    "GBO_ROLES",
    "Directory",
    "ImportReport",
    "LocalText",
    "OfferImportError",
    "OfferItem",
    "Problem",
    "check_postcode",
    "details",
    "load_demo",
    "neutral_order",
    "orienting_advice",
    "short_line",
]
