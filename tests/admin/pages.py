"""Driving the admin pages as a browser without JavaScript would: read the form, submit it."""

import re

from tests.web.html_page import Element, parse

from .admin_sample import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def page_of(response, status: int = 200) -> Element:
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return parse(response.data)


def csrf_token(client, url: str = "/admin/connexion") -> str:
    """A CSRF token of the client's session, read from a form as a browser gets it."""
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token in {url}"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD, **environ):
    token = csrf_token(client)
    return client.post(
        "/admin/connexion",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def form_values(form: Element) -> dict[str, list[str]]:
    """What submitting the form sends: inputs, ticked boxes, selected options, text areas."""
    values: dict[str, list[str]] = {}

    def add(name, value):
        if name:
            values.setdefault(name, []).append(value)

    for element in form.descendants():
        name = element.get("name")
        if element.tag == "input":
            kind = element.get("type") or "text"
            if kind in ("checkbox", "radio"):
                if "checked" in element.attrs:
                    add(name, element.get("value") or "on")
            elif kind not in ("submit", "button", "file"):
                add(name, element.get("value") or "")
        elif element.tag == "textarea":
            add(name, "".join(child for child in element.children if isinstance(child, str)))
        elif element.tag == "select":
            options = element.find_all("option")
            chosen = [o for o in options if "selected" in o.attrs] or options[:1]
            for option in chosen:
                add(name, option.get("value") or "")
    return values


def submit(client, url: str, form_id: str, changes: dict | None = None, action=None, drop=()):
    """Load the page at ``url``, fill its form with ``changes`` and submit it."""
    form = page_of(client.get(url)).find("form", id=form_id)
    values = form_values(form)
    for name, value in (changes or {}).items():
        values[name] = value if isinstance(value, list) else [value]
    for name in drop:
        values.pop(name, None)
    if action:
        values["action"] = [action]
    return client.post(form.get("action") or url, data=values)


def post_action(client, url: str, data: dict | None = None):
    """A one-click action (verified today, publish…), with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client, "/admin/"), **(data or {})})
