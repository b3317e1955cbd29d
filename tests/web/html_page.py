"""A small HTML reader for assertions on server-rendered pages (standard library only)."""

from html.parser import HTMLParser

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# Elements whose content a reader sees apart from what comes before and after.
BLOCK_ELEMENTS = {
    "address", "article", "aside", "br", "dd", "details", "div", "dt", "fieldset", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "legend", "li", "main", "nav", "ol", "p",
    "section", "summary", "table", "td", "th", "tr", "ul",
}  # fmt: skip


class Element:
    def __init__(self, tag: str, attrs: dict, parent: "Element | None" = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    @property
    def classes(self) -> set[str]:
        return set((self.get("class") or "").split())

    @property
    def text(self) -> str:
        """The text content, whitespace collapsed."""
        parts: list[str] = []

        def walk(node: Element) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag in BLOCK_ELEMENTS:
                    parts.append(" ")
                    walk(child)
                    parts.append(" ")
                else:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def descendants(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.descendants()

    def find_all(self, tag: str | None = None, text: str | None = None, class_=None, **attrs):
        """Elements by tag, contained text, a class and exact attribute values."""
        attrs = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.descendants()
            if (tag is None or element.tag == tag)
            and (class_ is None or class_ in element.classes)
            and all(element.get(name) == value for name, value in attrs.items())
            and (text is None or text in element.text)
        ]

    def find(self, tag: str | None = None, text: str | None = None, class_=None, **attrs):
        found = self.find_all(tag, text, class_, **attrs)
        assert found, f"no <{tag or '*'}> with {text=} {class_=} {attrs} in the page"
        return found[0]

    def label_of(self, input_id: str) -> "Element":
        return self.find("label", **{"for": input_id})


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str | bytes) -> Element:
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return builder.root
