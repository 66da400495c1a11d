"""Find the POST forms on a page with html.parser: action, fields with their defaults and choices."""
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    multiple: bool = False


@dataclass
class Form:
    action: str
    enctype: str
    fields: dict[str, Field] = field(default_factory=dict)
    checkables: dict[str, list[Field]] = field(default_factory=dict)

    def defaults(self) -> dict:
        """What a browser sends if the user changes nothing."""
        data = {}
        for f in self.fields.values():
            if f.kind in ("submit", "button", "file", "image", "reset"):
                continue
            if f.kind == "select":
                data[f.name] = f.value if f.value else (f.options[0] if f.options else "")
            else:
                data[f.name] = f.value
        for name, boxes in self.checkables.items():
            picked = [b.value or "y" for b in boxes if b.checked]
            if picked:
                data[name] = picked if len(picked) > 1 else picked[0]
        return data

    def text_fields(self) -> list[str]:
        skip = {"csrf_token", "version_id", "next"}
        return [f.name for f in self.fields.values()
                if f.kind in ("text", "textarea", "email", "search", "url", "tel", "number", "date", "month",
                              "datetime-local", "time", "") and f.name not in skip]

    def file_fields(self) -> list[str]:
        return [f.name for f in self.fields.values() if f.kind == "file"]


class _Parser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None
        self.option_value: str | None = None
        self.option_selected = False
        self.option_text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post" or a.get("hx-post"):
                action = a.get("action") or a.get("hx-post") or self.page_url
                self.form = Form(action=action, enctype=a.get("enctype", ""))
            else:
                self.form = None
            return
        if self.form is None:
            # buttons outside a form that post via htmx are not forms; fields with form= are rare: ignore
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            f = Field(name=name, kind=kind, value=a.get("value", ""), checked="checked" in a)
            if kind in ("checkbox", "radio"):
                self.form.checkables.setdefault(name, []).append(f)
            elif name not in self.form.fields:
                self.form.fields[name] = f
        elif tag == "select" and name:
            self.select = Field(name=name, kind="select", multiple="multiple" in a)
            self.form.fields.setdefault(name, self.select)
        elif tag == "option" and self.select is not None:
            self.option_value = a.get("value")
            self.option_selected = "selected" in a
            self.option_text = ""
        elif tag == "textarea" and name:
            self.textarea = Field(name=name, kind="textarea")
            self.form.fields.setdefault(name, self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        if self.option_value is not None or (self.select is not None and self.option_text is not None):
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "option" and self.select is not None:
            value = self.option_value if self.option_value is not None else self.option_text.strip()
            self.select.options.append(value)
            if self.option_selected and not self.select.value:
                self.select.value = value
            self.option_value = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            if self.form is not None:
                self.forms.append(self.form)
            self.form = None


def post_forms(html: str, page_url: str) -> list[Form]:
    parser = _Parser(page_url)
    parser.feed(html)
    return parser.forms
