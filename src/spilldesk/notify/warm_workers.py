"""Imported by the packet workers' fork server (see `batch.prepare_workers`), never by the
desk itself: the fonts registered, every language's wording read and its templates compiled,
once, so that each worker forked from the server starts warm instead of paying for them."""

from spilldesk.notify.letters import LANGUAGES, environment, template_names, wording
from spilldesk.notify.pdf import register_fonts

register_fonts()
for _language in LANGUAGES:
    wording(_language)
    for _name in template_names(_language):
        environment(_language).get_template(f"{_name}.j2")
