"""Upper bounds of the numbers and lists a request may carry: realistic for what is recorded,
and far inside what a database column holds, so that a typo or a probe is a 422 naming the
field, never an overflow in the database driver (a 500), nor an answer megabytes long."""

# --- numbers ------------------------------------------------------------------------------
MAX_PEOPLE = 10_000_000  # staff of one enterprise, or staff a technology needs (the largest
#                          employers in the world have about 2 million)
MAX_TRANSFERS = 100_000  # technology transfers one enterprise has received
MAX_AMOUNT = 10**17  # money in any currency, đồng included: about ten times Vietnam's yearly
#                      GDP in VND, beyond any technology price, budget or contract
MAX_TARGET = 10**9  # a plan target: a count over a period, or a yearly rate
MAX_SLOTS = 500  # meeting slots of one event (a week of 10-minute slots is ~300)
MAX_TABLES = 5_000  # meeting tables of one event
MAX_GRID = 50_000  # slots × tables of one event: the grid every agenda and export is drawn on

# --- lists --------------------------------------------------------------------------------
MAX_CODES = 50  # sector codes or country codes of one record
MAX_KEYWORDS = 100  # keywords of one dossier
MAX_MODES = 20  # transfer modes of one record (seven exist; repeats are dropped)
MAX_PARTICIPANTS = 5_000  # participants of one training course
MAX_PERIODS = 20  # periods of one plan
MAX_TARGETS = 50  # targets of one plan period
