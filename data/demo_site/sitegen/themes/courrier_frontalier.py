"""Le Courrier frontalier: French regional weekly-style markup with schema.org microdata."""

from __future__ import annotations

from datetime import datetime

from ..content import Story
from ..site import Site
from .common import (
    COPYRIGHT_YEAR,
    AboutView,
    ArticleView,
    ListingView,
    clock_fr,
    date_fr,
    esc,
    iso,
    join_names,
    paragraphs_html,
    stable_number,
)

STYLESHEET_PATH = "/css/courrier.css"
STYLESHEET = """\
body{margin:0;font-family:"Source Serif Pro",Georgia,serif;color:#202020;background:#fbfaf7}
.bandeau{background:#003a70;color:#fff;padding:10px 22px}
.bandeau__titre{font-size:1.8rem;color:#fff;text-decoration:none}
.rubriques{display:flex;gap:12px;list-style:none;padding:0}
.avis-temoins{position:fixed;bottom:0;width:100%;background:#fff;border-top:1px solid #ccc}
.gabarit{max-width:960px;margin:0 auto;padding:18px}
.article__titre{font-size:2.2rem}
.article__chapeau{font-weight:600}
.article__signature{font-size:.9rem;color:#555}
.illustration figcaption{font-style:italic;font-size:.8rem}
.pied{background:#e9e6df;padding:22px;font-size:.85rem}
"""


def _moment(moment: datetime) -> str:
    """ "8 septembre 2026 à 14 h 30"."""
    return f"{date_fr(moment)} à {clock_fr(moment)}"


def _head(site: Site, title: str, description: str, path: str, extra: list[str]) -> str:
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{site.outlet.html_lang}" dir="ltr">',
        "<head>",
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        f"<title>{esc(title)}</title>",
        f'<meta name="description" content="{esc(description)}">',
        f'<link rel="canonical" href="{site.absolute(path)}">',
        '<meta property="og:site_name" content="Le Courrier frontalier">',
        '<meta property="og:locale" content="fr_CA">',
        *extra,
        f'<link rel="stylesheet" href="{site.href(STYLESHEET_PATH)}">',
        "</head>",
    ]
    return "\n".join(lines)


def _top(site: Site) -> str:
    rubriques = "\n".join(
        f'      <li><a class="rubriques__lien" href="{site.href(path)}">{esc(label)}</a></li>'
        for path, label in site.nav
    )
    return f"""<body>
<div class="avis-temoins" id="avis-temoins" role="region" aria-label="Avis sur les témoins">
  <p>Nous utilisons des témoins (cookies) pour améliorer votre expérience de navigation,
  mesurer l'achalandage et vous proposer des contenus adaptés. En poursuivant votre visite,
  vous acceptez leur utilisation.</p>
  <button type="button" class="avis-temoins__accepter">J'accepte</button>
  <button type="button" class="avis-temoins__parametres">Paramètres</button>
</div>
<header class="bandeau">
  <a class="bandeau__titre" href="{site.href("/")}">Le Courrier frontalier</a>
  <p class="bandeau__devise">L'information du Haut-Richelieu et des Jardins-de-Napierville</p>
  <nav aria-label="Rubriques">
    <ul class="rubriques">
{rubriques}
      <li><a class="rubriques__lien" href="{site.href(site.outlet.about_path)}">À propos</a></li>
    </ul>
  </nav>
</header>"""


def _pied(site: Site) -> str:
    return f"""<footer class="pied">
  <ul class="pied__liens">
    <li><a href="{site.href(site.outlet.about_path)}">À propos</a></li>
    <li><a href="{site.href(site.outlet.about_path)}#nous-joindre">Nous joindre</a></li>
    <li><a href="{site.href(site.outlet.about_path)}#confidentialite">Politique de
    confidentialité</a></li>
  </ul>
  <p>&copy; {COPYRIGHT_YEAR} Le Courrier frontalier. Tous droits réservés. Toute reproduction
  est interdite sans autorisation écrite.</p>
</footer>
</body>
</html>
"""


def _signature(site: Site, story: Story) -> str:
    if not story.authors:
        return (
            '<span itemprop="author" itemscope itemtype="https://schema.org/Organization">'
            f'<span itemprop="name">{esc(site.outlet.wire_credit)}</span></span>'
        )
    people = [
        '<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
        f'<a itemprop="url" href="{site.href(site.author_path(n))}">'
        f'<span itemprop="name">{esc(n)}</span></a></span>'
        for n in story.authors
    ]
    return "Par " + join_names(people, "et")


def article_page(view: ArticleView) -> str:
    site, story = view.site, view.story
    rubrique = site.section_label(story.section)
    credit = ", ".join(story.authors) if story.authors else site.outlet.wire_credit
    meta = [
        f'<meta name="author" content="{esc(credit)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(story.title)}">',
        f'<meta property="og:description" content="{esc(story.summary)}">',
        f'<meta property="og:url" content="{site.absolute(story.path)}">',
    ]
    modified = story.updated or story.published
    mise_a_jour = (
        f'\n      <p class="article__maj">Mis à jour le <time datetime="{iso(story.updated)}">'
        f"{_moment(story.updated)}</time></p>"
        if story.updated
        else ""
    )
    legende = story.image_caption or f"Photo d'archives, rubrique {rubrique}."
    autres = "\n".join(
        f'      <li><a href="{site.href(r.path)}">{esc(r.title)}</a></li>' for r in view.related
    )
    head = _head(site, f"{story.title} | Le Courrier frontalier", story.summary, story.path, meta)
    publie = f'<time datetime="{iso(story.published)}">{_moment(story.published)}</time>'
    image = site.href(site.image_path(story))
    return f"""{head}
{_top(site)}
<main class="gabarit">
  <nav class="fil-ariane" aria-label="Fil d'Ariane">
    <a href="{site.href("/")}">Accueil</a> &gt;
    <a href="{site.href(site.section_path(story.section))}">{esc(rubrique)}</a>
  </nav>
  <article class="article" itemscope itemtype="https://schema.org/NewsArticle">
    <meta itemprop="mainEntityOfPage" content="{site.absolute(story.path)}">
    <meta itemprop="datePublished" content="{iso(story.published)}">
    <meta itemprop="dateModified" content="{iso(modified)}">
    <meta itemprop="inLanguage" content="fr-CA">
    <header class="article__entete">
      <p class="article__rubrique">{esc(rubrique)}</p>
      <h1 class="article__titre" itemprop="headline">{esc(story.title)}</h1>
      <p class="article__chapeau" itemprop="description">{esc(story.summary)}</p>
      <p class="article__signature">{_signature(site, story)}</p>
      <p class="article__date">Publié le {publie}</p>{mise_a_jour}
    </header>
    <figure class="illustration" itemprop="image" itemscope itemtype="https://schema.org/ImageObject">
      <img itemprop="url" src="{image}" alt="" width="1200" height="675">
      <figcaption itemprop="caption">{esc(legende)}</figcaption>
    </figure>
    <div class="article__texte" itemprop="articleBody">
{paragraphs_html(story, "      ")}
    </div>
  </article>
  <div class="partage">
    <span>Partager :</span>
    <button type="button" data-reseau="facebook">Facebook</button>
    <button type="button" data-reseau="x">X</button>
    <button type="button" data-reseau="courriel">Courriel</button>
  </div>
  <section class="encadre-infolettre">
    <h2>Abonnez-vous à notre infolettre</h2>
    <p>Recevez chaque vendredi l'essentiel de l'actualité régionale directement dans votre
    boîte de courriel.</p>
    <form action="{site.href("/infolettre/")}" method="post">
      <input type="email" name="courriel" placeholder="Votre adresse courriel">
      <button type="submit">Je m'abonne</button>
    </form>
  </section>
  <section class="a-lire-aussi">
    <h2>À lire aussi</h2>
    <ul>
{autres}
    </ul>
  </section>
  <section class="commentaires" id="commentaires">
    <h2>Commentaires ({stable_number(story.slug, 0, 45)})</h2>
    <p>Connectez-vous pour réagir à cet article. Les commentaires sont modérés.</p>
  </section>
</main>
{_pied(site)}"""


def listing_page(view: ListingView) -> str:
    site, listing = view.site, view.listing
    if listing.kind == "home":
        title, heading = "Le Courrier frontalier | Actualités régionales", "À la une"
    elif listing.kind == "author":
        title, heading = f"{listing.title} | Le Courrier frontalier", f"Textes de {listing.title}"
    else:
        page = f" (page {listing.page})" if listing.page > 1 else ""
        title, heading = f"{listing.title}{page} | Le Courrier frontalier", listing.title
    context = "home" if listing.kind == "home" else "section"
    meta = [
        '<meta property="og:type" content="website">',
        f'<meta property="og:title" content="{esc(title)}">',
    ]
    if listing.next_path:
        meta.append(f'<link rel="next" href="{site.absolute(listing.next_path)}">')
    items = "\n".join(
        f"""    <li class="liste__element">
      <h2><a href="{esc(site.article_href(s, context))}">{esc(s.title)}</a></h2>
      <p class="liste__date">{date_fr(s.published)}</p>
      <p class="liste__resume">{esc(s.summary)}</p>
    </li>"""
        for s in listing.items
    )
    extras = "\n".join(
        f'    <li class="liste__element liste__element--autre"><a href="{site.href(path)}">'
        f"{esc(label)}</a></li>"
        for path, label in listing.extra_links
    )
    pages = []
    if listing.prev_path:
        pages.append(f'<a href="{site.href(listing.prev_path)}">Page précédente</a>')
    if listing.next_path:
        pages.append(f'<a href="{site.href(listing.next_path)}">Page suivante</a>')
    return f"""{_head(site, title, title, listing.path, meta)}
{_top(site)}
<main class="gabarit" itemscope itemtype="https://schema.org/CollectionPage">
  <h1 class="liste__titre" itemprop="name">{esc(heading)}</h1>
  <ul class="liste">
{items}
{extras}
  </ul>
  <nav class="pagination">{" ".join(pages)}</nav>
</main>
{_pied(site)}"""


def about_page(view: AboutView) -> str:
    site = view.site
    path = site.outlet.about_path
    meta = ['<meta property="og:type" content="website">']
    return f"""{_head(site, "À propos | Le Courrier frontalier", "Qui sommes-nous?", path, meta)}
{_top(site)}
<main class="gabarit" itemscope itemtype="https://schema.org/AboutPage">
  <h1 itemprop="name">À propos du Courrier frontalier</h1>
  <p>Fondé en 1952, Le Courrier frontalier est un journal indépendant qui couvre le
  Haut-Richelieu, les Jardins-de-Napierville et la frontière avec l'État de New York et le
  Vermont. Notre équipe de cinq journalistes publie chaque jour sur le Web.</p>
  <p>Le journal adhère aux règles de déontologie du Conseil de presse du Québec.</p>
  <h2 id="nous-joindre">Nous joindre</h2>
  <p>La salle de rédaction reçoit vos nouvelles, vos lettres d'opinion et vos photos du lundi
  au vendredi.</p>
  <h2 id="confidentialite">Confidentialité</h2>
  <p>Nous recueillons le minimum de renseignements nécessaires au fonctionnement du site.</p>
</main>
{_pied(site)}"""
