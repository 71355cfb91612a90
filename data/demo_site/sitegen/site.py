"""Structure of one outlet's site: which pages exist, what they list and how they link."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .content import Story
from .outlets import Outlet, section_name

PAGE_SIZE = 10
HOME_SIZE = 15
RELATED_COUNT = 3


@dataclass(frozen=True, slots=True)
class Listing:
    """A page that lists articles: the homepage, a section page or an author page."""

    kind: str  # "home", "section" or "author"
    path: str
    title: str
    items: tuple[Story, ...]
    page: int = 1
    pages: int = 1
    section: str | None = None
    prev_path: str | None = None
    next_path: str | None = None
    extra_links: tuple[tuple[str, str], ...] = ()  # (path, label): the report file, a draft


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphenated: "Émilie Côté" -> "emilie-cote"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(c if c.isalnum() else " " for c in folded.lower()).split()
    return "-".join(words)


class Site:
    """All the pages of one outlet, computed from its stories."""

    def __init__(self, outlet: Outlet, stories: list[Story]) -> None:
        self.outlet = outlet
        ordered = sorted(stories, key=lambda s: s.sort_key, reverse=True)
        self.articles: tuple[Story, ...] = tuple(s for s in ordered if not s.private)
        self.private: tuple[Story, ...] = tuple(s for s in ordered if s.private)
        counts: dict[str, int] = {}
        for story in self.articles:
            counts[story.section] = counts.get(story.section, 0) + 1
        for story in self.private:
            counts.setdefault(story.section, 0)
        self.section_slugs: tuple[str, ...] = tuple(
            sorted(counts, key=lambda slug: (-counts[slug], slug))
        )
        self.report_section = self.section_slugs[0] if self.section_slugs else None
        self.listings: tuple[Listing, ...] = (
            self._home(),
            *self._sections(),
            *self._authors(),
        )

    # -- links -------------------------------------------------------------------------------

    def href(self, path: str) -> str:
        """How this outlet writes an internal link to ``path``."""
        return f"{{{{BASE_URL}}}}{path}" if self.outlet.absolute_links else path

    def _tracking(self, context: str) -> str:
        return f"?{self.outlet.tracking_query}" if context == self.outlet.tracked else ""

    def article_href(self, story: Story, context: str) -> str:
        """Link to an article from the homepage or a section page ("home", "section")."""
        return self.href(story.path) + self._tracking(context)

    def article_url(self, story: Story, context: str) -> str:
        """Absolute link to an article from a feed or sitemap ("feed")."""
        return self.absolute(story.path) + self._tracking(context)

    @staticmethod
    def absolute(path: str) -> str:
        return f"{{{{BASE_URL}}}}{path}"

    def section_label(self, section: str) -> str:
        return section_name(self.outlet.language, section)

    def section_path(self, section: str, page: int = 1) -> str:
        return f"/{section}/" if page == 1 else f"/{section}/page/{page}/"

    def author_path(self, author: str) -> str:
        return f"{self.outlet.author_base}{slugify(author)}/"

    def image_path(self, story: Story) -> str:
        base = self.outlet.media_base
        if self.outlet.slug == "prairie-post":
            return f"{base}{story.published:%Y/%m}/{story.slug}-1200x675.png"
        return f"{base}{story.slug}.png"

    @property
    def nav(self) -> tuple[tuple[str, str], ...]:
        """(path, label) of the sections shown in the navigation bar."""
        return tuple((self.section_path(s), self.section_label(s)) for s in self.section_slugs)

    # -- related stories ---------------------------------------------------------------------

    def related(self, story: Story) -> tuple[Story, ...]:
        """Three other articles: same section first, then the closest in time."""
        others = [s for s in self.articles if s is not story]

        def closeness(other: Story) -> tuple[int, float, str]:
            gap = abs((other.published_utc - story.published_utc).total_seconds())
            return (0 if other.section == story.section else 1, gap, other.slug)

        return tuple(sorted(others, key=closeness)[:RELATED_COUNT])

    # -- listings ----------------------------------------------------------------------------

    def _home(self) -> Listing:
        return Listing(
            kind="home", path="/", title=self.outlet.name, items=self.articles[:HOME_SIZE]
        )

    def _sections(self) -> list[Listing]:
        listings: list[Listing] = []
        for section in self.section_slugs:
            items = tuple(s for s in self.articles if s.section == section)
            pages = max(1, -(-len(items) // PAGE_SIZE))
            for page in range(1, pages + 1):
                extra: list[tuple[str, str]] = []
                if page == 1 and section == self.report_section:
                    extra.append((self.outlet.report_path, self.outlet.report_title))
                if page == 1:
                    extra.extend((s.path, s.title) for s in self.private if s.section == section)
                listings.append(
                    Listing(
                        kind="section",
                        path=self.section_path(section, page),
                        title=self.section_label(section),
                        items=items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
                        page=page,
                        pages=pages,
                        section=section,
                        prev_path=self.section_path(section, page - 1) if page > 1 else None,
                        next_path=self.section_path(section, page + 1) if page < pages else None,
                        extra_links=tuple(extra),
                    )
                )
        return listings

    def _authors(self) -> list[Listing]:
        names = sorted({a for s in self.articles for a in s.authors}, key=slugify)
        return [
            Listing(
                kind="author",
                path=self.author_path(name),
                title=name,
                items=tuple(s for s in self.articles if name in s.authors),
            )
            for name in names
        ]
