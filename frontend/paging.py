"""Links shared by the listing pages (search, results ledger): built from the page's current parameters, so
they keep every filter and work without JavaScript."""

from urllib.parse import urlencode

from django.core.paginator import Paginator


class PageLinks:
    """For a page object with `params` (the filters in force), `base_url` and `page` (a Django Page)."""

    def url(self, **changes) -> str:
        """This page's URL with `changes` (None or "" removes a parameter); any change starts at page 1."""
        merged = {name: value for name, value in self.params.items() if name != "page"}
        for name, value in changes.items():
            if value in (None, ""):
                merged.pop(name, None)
            else:
                merged[name] = str(value)
        if merged.get("page") == "1":
            del merged["page"]
        return f"{self.base_url}?{urlencode(merged)}" if merged else self.base_url

    @property
    def prev_url(self) -> str | None:
        return self.url(page=self.page.previous_page_number()) if self.page.has_previous() else None

    @property
    def next_url(self) -> str | None:
        return self.url(page=self.page.next_page_number()) if self.page.has_next() else None

    @property
    def page_links(self) -> list[tuple[int | None, str | None]]:
        """(number, url) around the current page; (None, None) marks a gap."""
        links = []
        for number in self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1):
            if number == Paginator.ELLIPSIS:
                links.append((None, None))
            else:
                links.append((number, self.url(page=number) if number != self.page.number else None))
        return links
