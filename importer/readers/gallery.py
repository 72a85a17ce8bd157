"""A WordPress export's `[gallery]` as the blog showed it: a grid of its images. Pure.

WordPress's `gallery_shortcode` (wp-includes/media.php) shows the images named by `ids=` (or
the older `include=`) in that order, else the image attachments whose parent is the post (or
the post named by `id=`), less those in `exclude=`, by `menu_order` then ID (`order="DESC"`
turns it round); each image links to its file (or its attachment page) with its caption, the
attachment's excerpt. The export (wp-admin/includes/export.php) writes attachments as items of
their own, `wp:post_type` attachment with `wp:attachment_url`, `wp:post_parent`,
`wp:menu_order` and the caption in `excerpt:encoded`, in ID order: often after the post that
shows them. It writes no MIME type, so an image is known by its file's extension.

`Images` holds only what a gallery needs of each image (its address, caption, parent and
order), bounded by `IMAGES_KEPT`, never the bodies.
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

from importer.readers.shortcodes import attributes

# Images kept for galleries: enough for any blog, bounded for a huge export.
IMAGES_KEPT = 50_000
CAPTION_MAX = 300
ALT_MAX = 200
IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|svg)(?:\?|$)", re.I)
GALLERY = re.compile(r"\[gallery\b([^\]]*)\]", re.I)


class Image(NamedTuple):
    url: str
    caption: str
    order: int  # wp:menu_order
    number: int  # its attachment ID as a number, for WordPress's "menu_order ID"
    alt: str = ""  # its alternative text, else its title: the words of its link


class Images:
    """The images of an export met so far: by attachment ID, and the IDs of each parent's."""

    def __init__(self) -> None:
        self.by_id: dict[str, Image] = {}
        self.attached: dict[str, list[str]] = {}
        self.complete = False  # every image of the file is here

    def add(
        self, post_id: str, parent: str, url: str, caption: str, order: str, alt: str = ""
    ) -> None:
        if post_id in self.by_id or not IMAGE_FILE.search(url):
            return
        if len(self.by_id) >= IMAGES_KEPT:
            return
        self.by_id[post_id] = Image(
            url, caption.strip()[:CAPTION_MAX], _number(order), _number(post_id), alt[:ALT_MAX]
        )
        if parent and parent != "0":
            self.attached.setdefault(parent, []).append(post_id)

    def needs_more(self, body: str) -> bool:
        """Whether a gallery of `body` may show images not met yet: one that names an image
        not here, or that shows its post's attached images (more may follow in the file)."""
        if self.complete:
            return False
        for m in GALLERY.finditer(body):
            named = _ids(attributes(m.group(1)))
            if not named or any(i not in self.by_id for i in named):
                return True
        return False

    def chosen(self, attrs: dict[str, str], post_id: str) -> list[Image]:
        """The images a `[gallery]` with `attrs` shows in the post `post_id`, in its order."""
        named = _ids(attrs)
        if named:
            images = [self.by_id[i] for i in named if i in self.by_id]
            if attrs.get("ids") and not attrs.get("orderby"):  # ids= keeps its own order
                return images
        else:
            excluded = set(_ids({"ids": attrs.get("exclude", "")}))
            parent = attrs.get("id", "").strip() or post_id
            found = self.attached.get(parent, [])
            images = [self.by_id[i] for i in found if i not in excluded]
        images.sort(key=lambda image: (image.order, image.number))
        if attrs.get("order", "").strip().upper() == "DESC":
            images.reverse()
        return images


def galleries(body: str, post_id: str, permalink: str, images: Images) -> str:
    """Each `[gallery]` of `body` as `<div class="gallery">` of linked figures with their
    captions (the excerpt's HTML, sanitised with the body later); one whose images the export
    does not hold becomes a card linking to the original post (nothing without a post)."""

    def replace(m: re.Match) -> str:
        chosen = images.chosen(attributes(m.group(1)), post_id)
        if not chosen:
            if not permalink:
                return ""
            link = f'<a href="{html.escape(permalink)}">Image gallery on the original post</a>'
            return f'\n\n<div class="media-card">{link}</div>\n\n'
        figures = "".join(
            f'<figure><a href="{html.escape(image.url)}"><img src="{html.escape(image.url)}"'
            f' alt="{html.escape(image.alt)}"></a>'
            + (f"<figcaption>{image.caption}</figcaption>" if image.caption else "")
            + "</figure>"
            for image in chosen
        )
        return f'\n\n<div class="gallery">{figures}</div>\n\n'

    return GALLERY.sub(replace, body)


def _ids(attrs: dict[str, str]) -> list[str]:
    named = attrs.get("ids", "") or attrs.get("include", "")
    return [i.strip() for i in named.split(",") if i.strip()]


def _number(value: str) -> int:
    value = value.strip()
    return int(value) if value.lstrip("-").isdigit() and len(value) < 19 else 0
