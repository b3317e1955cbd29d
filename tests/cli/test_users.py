"""`directory users …`, `directory reset-link` and `directory reminders`."""

from datetime import date, timedelta

from tests.factories import service, structure


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_user_lifecycle(app, load):
    load([structure("a")], [])
    created = run(
        app,
        "users",
        "create",
        "e@exemple.fr",
        "--role",
        "editor",
        "--password",
        "un mot de passe solide",
    )
    assert created.exit_code == 0, created.output
    assert run(app, "users", "add-member", "e@exemple.fr", "a").exit_code == 0
    assert "e@exemple.fr\teditor\ta" in run(app, "users", "list").output
    assert run(app, "users", "set-role", "e@exemple.fr", "admin").exit_code == 0
    assert run(app, "users", "remove-member", "e@exemple.fr", "a").exit_code == 0
    assert "e@exemple.fr\tadmin\t-" in run(app, "users", "list").output


def test_user_errors_are_clear(app):
    short = run(app, "users", "create", "e@exemple.fr", "--password", "court")
    assert short.exit_code != 0 and "password" in short.output
    assert "Aucun compte" in run(app, "users", "set-role", "x@exemple.fr", "admin").output
    run(app, "users", "create", "e@exemple.fr", "--password", "un mot de passe solide")
    missing = run(app, "users", "add-member", "e@exemple.fr", "absente")
    assert missing.exit_code != 0 and "absente" in missing.output


def test_password_prompt_asks_twice(app):
    result = run(
        app,
        "users",
        "create",
        "p@exemple.fr",
        input="un mot de passe solide\nun mot de passe solide\n",
    )
    assert result.exit_code == 0, result.output


def test_reset_link_is_printed(app):
    run(app, "users", "create", "e@exemple.fr", "--password", "un mot de passe solide")
    result = run(app, "reset-link", "e@exemple.fr")
    assert result.exit_code == 0 and "/admin/reinitialiser/" in result.output


def test_reminders_list_editors_with_due_listings(app, load):
    old = (date.today() - timedelta(days=400)).isoformat()
    load(
        [structure("a", date_maj=old, frequence_maj="annuelle")],
        [
            service("due", "a", date_maj=old, frequence_maj="trimestrielle", nom="Vieille fiche"),
            service("fresh", "a", nom="Fiche fraîche", date_maj=date.today().isoformat()),
        ],
    )
    run(
        app,
        "users",
        "create",
        "e@exemple.fr",
        "--role",
        "editor",
        "--password",
        "un mot de passe solide",
    )
    run(app, "users", "add-member", "e@exemple.fr", "a")
    result = run(app, "reminders")
    assert result.exit_code == 0
    assert "e@exemple.fr : 2" in result.output and "Vieille fiche" in result.output
    assert "Fiche fraîche" not in result.output
    assert run(app, "reminders", "--send").exit_code != 0
