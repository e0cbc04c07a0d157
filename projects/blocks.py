from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "components/quote_block.html"


class ContentBlock(blocks.StreamBlock):
    """The body of standard pages and project introductions."""

    heading = blocks.CharBlock(
        label=_("heading"),
        max_length=120,
        form_classname="title",
        template="components/heading_block.html",
    )
    paragraph = blocks.RichTextBlock(label=_("paragraph"), features=RICH_TEXT_FEATURES)
    image = ImageBlock(label=_("image"), template="components/image_block.html")
    quote = QuoteBlock(label=_("quote"))
    video = EmbedBlock(label=_("video"), help_text=_("A YouTube or Vimeo link."))
