"""Users and roles: sign-in, the first-start admin, permission checks in the library, the users CLI."""

from __future__ import annotations

import pytest

from workbench import auth
from workbench.actions import PermissionDenied
from workbench.actions import users as user_actions
from workbench.actions.users import SignInFailed
from workbench.config import load_config
from workbench.errors import WorkbenchError
from workbench.records import User
from workbench.store import Store

TRANSLATOR, REVIEWER, ADMIN = User("ann", "translator"), User("rita", "reviewer"), User("adam", "admin")


@pytest.fixture
def people(store):
    for u, pw in ((TRANSLATOR, "ann-password-1"), (REVIEWER, "rita-password-1"), (ADMIN, "adam-password-1")):
        store.add_user(u.name, u.role, auth.hash_password(pw))
    return store


def test_sign_in_checks_the_scrypt_hash(people):
    assert user_actions.sign_in(people, "ann", "ann-password-1") == TRANSLATOR
    assert user_actions.sign_in(people, "  rita ", "rita-password-1") == REVIEWER
    for name, pw in (("ann", "rita-password-1"), ("nobody", "ann-password-1"), ("ann", "")):
        with pytest.raises(SignInFailed, match="unknown user name or wrong password"):
            user_actions.sign_in(people, name, pw)
    _, stored = people.user_password_hash("ann")
    assert stored.startswith("scrypt$") and "ann-password-1" not in stored


def test_a_user_without_password_cannot_sign_in_with_one(people):
    people.add_user("sso", "translator", "")
    for pw in ("", "anything-at-all"):
        with pytest.raises(SignInFailed):
            user_actions.sign_in(people, "sso", pw)
    assert user_actions.oidc_user(people, "sso") == User("sso", "translator")
    with pytest.raises(SignInFailed, match="workbench users add stranger@example.org"):
        user_actions.oidc_user(people, "stranger@example.org")


def test_first_start_admin_is_created_once(store):
    first = user_actions.ensure_admin(store)
    assert first is not None and first.generated and len(first.password) >= 16
    assert first.password in first.message() and "user name: admin" in first.message()
    assert user_actions.sign_in(store, "admin", first.password) == User("admin", "admin")
    assert user_actions.ensure_admin(store) is None and len(store.users()) == 1


def test_first_start_admin_with_a_configured_password(tmp_path):
    config = load_config(env={"WORKBENCH_DATA_DIR": str(tmp_path), "WORKBENCH_ADMIN_PASSWORD": "ops-chosen-pw"})
    assert "ops-chosen-pw" not in repr(config)
    store = Store(config.database_url)
    first = user_actions.ensure_admin(store, config.admin_password)
    assert first is not None and not first.generated and "ops-chosen-pw" not in first.message()
    assert user_actions.sign_in(store, "admin", "ops-chosen-pw").role == "admin"
    store.close()


def test_only_admins_manage_users_and_roles(people):
    for who in (TRANSLATOR, REVIEWER, None):
        with pytest.raises(PermissionDenied):
            user_actions.change_role(people, who, "ann", "reviewer")
        with pytest.raises(PermissionDenied):
            user_actions.add_user(people, who, "eve", "admin", "eve-password-1")
    assert {u.name: u.role for u in people.users()}["ann"] == "translator"
    user_actions.change_role(people, ADMIN, "ann", "reviewer")
    user_actions.add_user(people, ADMIN, "eve", "translator", "eve-password-1")
    assert {u.name: u.role for u in people.users()} == {"ann": "reviewer", "rita": "reviewer", "adam": "admin",
                                                        "eve": "translator"}
    roles = [e for e in people.events() if e["action"] == "user.role"]
    assert roles[0]["actor"] == "adam" and roles[0]["detail"] == "translator -> reviewer"


def test_the_last_admin_keeps_the_role(people):
    with pytest.raises(WorkbenchError, match="last admin"):
        user_actions.change_role(people, ADMIN, "adam", "translator")
    user_actions.change_role(people, ADMIN, "rita", "admin")
    user_actions.change_role(people, ADMIN, "adam", "reviewer")


def test_passwords_change_for_oneself_or_by_an_admin(people):
    user_actions.change_password(people, TRANSLATOR, "ann", "ann-new-password")
    assert user_actions.sign_in(people, "ann", "ann-new-password") == TRANSLATOR
    with pytest.raises(PermissionDenied):
        user_actions.change_password(people, TRANSLATOR, "rita", "hijacked-password")
    user_actions.change_password(people, ADMIN, "rita", "reset-by-admin")
    assert user_actions.sign_in(people, "rita", "reset-by-admin") == REVIEWER
    with pytest.raises(WorkbenchError, match="at least 10"):
        user_actions.change_password(people, TRANSLATOR, "ann", "short")


# --- the CLI -----------------------------------------------------------------------------------
def test_cli_users_add_list_role_password(run_cli, tmp_path):
    data = tmp_path / "cli"
    added = run_cli("users", "add", "ann", "--role", "translator", data_dir=data)  # no users yet: single-user
    assert added.returncode == 0, added.stderr
    password = added.stdout.split("password: ")[1].split()[0]
    # From now on the store has users: the CLI acts only as a verified user or as the operator.
    refused = run_cli("users", "add", "rita", "--role", "reviewer", data_dir=data)
    assert refused.returncode == 2 and "this store has users" in refused.stderr
    with_stdin = run_cli("--operator", "users", "add", "rita", "--role", "reviewer", "--password-stdin",
                         data_dir=data, input="rita-secret-pw\n")
    assert with_stdin.returncode == 0 and "rita-secret-pw" not in with_stdin.stdout
    assert run_cli("--operator", "users", "add", "sso@example.org", "--role", "translator", "--no-password",
                   data_dir=data).returncode == 0
    listed = run_cli("users", "list", "--format", "jsonl", data_dir=data)
    assert listed.stdout.splitlines() == ['{"name": "ann", "role": "translator"}',
                                          '{"name": "rita", "role": "reviewer"}',
                                          '{"name": "sso@example.org", "role": "translator"}']
    assert run_cli("--operator", "users", "role", "ann", "reviewer", data_dir=data).stdout.strip() == "ann: reviewer"
    store = Store(load_config(env={"WORKBENCH_DATA_DIR": str(data)}).database_url)
    assert user_actions.sign_in(store, "ann", password).role == "reviewer"
    assert user_actions.sign_in(store, "rita", "rita-secret-pw").role == "reviewer"
    reset = run_cli("--operator", "users", "password", "ann", "--password-stdin", data_dir=data,
                    input="ann-next-pw\n")
    assert reset.returncode == 0
    assert user_actions.sign_in(store, "ann", "ann-next-pw").name == "ann"
    store.close()


@pytest.mark.parametrize("args, stdin, message", [
    (["users", "add", "ann", "--role", "translator"], None, "user 'ann': already exists"),
    (["users", "add", "bob", "--role", "translator", "--password-stdin"], "short\n", "password: must be at least 10 characters"),
    (["users", "add", "bob", "--role", "translator", "--password-stdin"], "", "--password-stdin: no password on standard input"),
    (["users", "role", "nobody", "admin"], None, "user 'nobody': no such user"),
    (["users", "password", "nobody", "--password-stdin"], "long-enough-pw\n", "user 'nobody': no such user"),
])
def test_cli_users_errors_are_one_line(run_cli, tmp_path, args, stdin, message):
    data = tmp_path / "cli"
    store = Store(load_config(env={"WORKBENCH_DATA_DIR": str(data)}).database_url)
    store.add_user("ann", "translator", auth.hash_password("ann-password-1"))
    result = run_cli("--operator", *args, data_dir=data, input=stdin)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"workbench: {message}"]
    assert [u.name for u in store.users()] == ["ann"]
    assert user_actions.sign_in(store, "ann", "ann-password-1").name == "ann"
    store.close()
