"""Server-side sessions and the tokens beside them, against the real database."""
import threading
import time
from datetime import datetime, timedelta, UTC

from flask import Flask, session

from portal.adapters.form_tokens import FormTokens
from portal.adapters.sessions import PostgresSessionInterface, hash_id
from portal.adapters.tokens import Tokens, TokenStore

from conftest import SECRET


def app_with(db, **kwargs):
    app = Flask("t")
    app.secret_key = SECRET
    app.session_interface = PostgresSessionInterface(db.engine, idle=kwargs.get("idle", timedelta(minutes=60)),
                                                     lifetime=timedelta(hours=8))

    @app.get("/set/<value>")
    def set_(value):
        session["value"] = value
        return "ok"

    @app.get("/get")
    def get():
        return session.get("value", "none")

    @app.get("/clear")
    def clear():
        session.clear()
        return "ok"

    @app.get("/regenerate")
    def regenerate():
        session.regenerate()
        session["value"] = "kept"
        return "ok"

    return app


def rows(db):
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.exec_driver_sql("select * from sessions")]


def test_the_cookie_holds_only_a_random_id_and_the_row_its_hash(db):
    client = app_with(db).test_client()
    response = client.get("/set/secret-value")
    cookie = client.get_cookie("session")
    assert "secret-value" not in response.headers["Set-Cookie"] and len(cookie.value) >= 40
    assert "HttpOnly" in response.headers["Set-Cookie"] and "SameSite=Lax" in response.headers["Set-Cookie"]
    stored, = rows(db)
    assert stored["id_hash"] == hash_id(cookie.value) and cookie.value not in str(stored)
    assert client.get("/get").text == "secret-value"


def test_every_replica_sees_the_same_session(db):
    first, second = app_with(db).test_client(), app_with(db).test_client()
    first.get("/set/shared")
    second.set_cookie("session", first.get_cookie("session").value)
    assert second.get("/get").text == "shared"


def test_an_idle_session_ends(db):
    client = app_with(db).test_client()
    client.get("/set/x")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("update sessions set idle_expires_at = now() - interval '1 second'")
    assert client.get("/get").text == "none"


def test_signing_in_gives_a_new_id_and_signing_out_removes_the_row(db):
    client = app_with(db).test_client()
    client.get("/set/x")
    old = client.get_cookie("session").value
    client.get("/regenerate")
    new = client.get_cookie("session").value
    assert new != old and [r["id_hash"] for r in rows(db)] == [hash_id(new)]
    client.get("/clear")
    assert rows(db) == [] and client.get_cookie("session") is None


def _signed_in_row(db, store):
    client = app_with(db).test_client()
    client.get("/set/x")
    id_hash = hash_id(client.get_cookie("session").value)
    store.save(id_hash, Tokens("access-1", "refresh-1", datetime.now(UTC) - timedelta(seconds=1)))
    return id_hash


def test_tokens_are_encrypted_at_rest(db):
    store = TokenStore(db.engine, SECRET)
    id_hash = _signed_in_row(db, store)
    stored, = rows(db)
    assert b"access-1" not in bytes(stored["access_token"]) and b"refresh-1" not in bytes(stored["refresh_token"])
    assert store.load(id_hash).refresh_token == "refresh-1"
    assert TokenStore(db.engine, "another-secret-key-of-enough-length-xx").load(id_hash) is None


def test_concurrent_requests_refresh_once(db):
    """Refresh tokens rotate: two requests refreshing with the same one would sign the user out."""
    store = TokenStore(db.engine, SECRET)
    id_hash = _signed_in_row(db, store)
    stale = store.load(id_hash)
    calls = []

    def refresher(refresh_token):
        calls.append(refresh_token)
        time.sleep(0.2)
        return {"access_token": f"access-{len(calls) + 1}", "refresh_token": f"refresh-{len(calls) + 1}", "expires_in": 300}

    results = []
    threads = [threading.Thread(target=lambda: results.append(store.refresh(id_hash, stale, refresher))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["refresh-1"]
    assert {r.access_token for r in results} == {"access-2"} and store.load(id_hash).refresh_token == "refresh-2"


def test_a_form_token_is_taken_once_across_replicas(db):
    tokens = FormTokens(db.engine)
    taken = []
    threads = [threading.Thread(target=lambda: taken.append(FormTokens(db.engine).take("t1", "s"))) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == [False, False, False, False, True]
    tokens.done("t1", "/done")
    assert tokens.result("t1") == "/done"
    assert tokens.take("t2", "s") and (tokens.release("t2"), tokens.take("t2", "s"))[1]
