"""The widget's own endpoints: branding, identity verification, analytics, CORS, the script
and the demo page."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
from sqlmodel import select

from core.db import SessionMaker, org_session
from core.models import Contact, Organization, WidgetEvent
from core.settings import Settings
from tests.conftest import RunningApi, serve
from tests.factories import create_organization
from tests.integration.conversation_helpers import configure, new_visitor

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


async def test_branding_comes_from_organization_settings_with_defaults(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    await configure(
        session_maker, organization.id, widget={"color": "#ff6600", "pre_chat": "required"}
    )
    async with api.client() as client:
        response = await client.get(
            "/api/widget/config", headers={"x-perceptron-key": organization.public_key}
        )
        unknown = await client.get("/api/widget/config", headers={"x-perceptron-key": "pk_x1"})
    config = response.json()
    assert config["organization_name"] == "Lumen"
    assert config["color"] == "#ff6600"
    assert config["pre_chat"] == "required"
    assert config["position"] == "right"
    assert config["voice"] is True  # the installation can speak (the setting's default)
    assert unknown.status_code == 401


async def test_the_widget_offers_voice_only_when_the_installation_can_speak(
    settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    silent = settings.model_copy(update={"voice_enabled": False})
    async with serve(silent) as running, running.client() as client:
        response = await client.get(
            "/api/widget/config", headers={"x-perceptron-key": organization.public_key}
        )
    assert response.json()["voice"] is False


async def test_a_signed_identity_links_a_verified_contact_and_a_forged_one_is_refused(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    signed = jwt.encode(
        {"user_id": "cust-42", "email": "ada@example.com", "name": "Ada", "exp": _hours(1)},
        organization.widget_secret,
        algorithm="HS256",
    )
    forged = jwt.encode(
        {"user_id": "cust-42", "email": "eve@example.com"},
        "a guessed secret that is long enough",
        algorithm="HS256",
    )
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start()
        refused = await client.post(
            "/api/widget/identify", json={"token": forged}, headers=visitor.headers
        )
        accepted = await client.post(
            "/api/widget/identify", json={"token": signed}, headers=visitor.headers
        )
        verified_headers = {"Authorization": f"Bearer {accepted.json()['visitor_token']}"}
        mine = await client.get("/api/widget/conversations", headers=verified_headers)
    assert refused.status_code == 401
    assert accepted.status_code == 200
    assert [c["id"] for c in mine.json()] == [started["conversation"]["id"]]
    async with org_session(session_maker, organization.id) as session:
        contacts = (await session.exec(select(Contact))).all()
    assert [(c.external_id, c.email, c.verified) for c in contacts] == [
        ("cust-42", "ada@example.com", True)
    ]


def _hours(hours: float) -> int:
    return int(time.time() + hours * 3600)


async def test_an_identity_token_must_expire_within_a_day(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")

    def signed(**claims: object) -> str:
        return jwt.encode(
            {"user_id": "cust-42", **claims}, organization.widget_secret, algorithm="HS256"
        )

    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)

        async def identify(token: str) -> tuple[int, str]:
            response = await client.post(
                "/api/widget/identify", json={"token": token}, headers=visitor.headers
            )
            return response.status_code, response.json().get("detail", "")

        without_exp = await identify(signed())
        too_far = await identify(signed(exp=_hours(24) + 300))
        expired = await identify(signed(exp=_hours(-1)))
        not_a_time = await identify(signed(exp="tomorrow"))
        a_day_ahead_by_a_fast_clock = await identify(signed(exp=_hours(24) + 30))
        just_expired_by_a_slow_clock = await identify(signed(exp=_hours(0) - 30))
    assert without_exp == (401, "the identity token must carry exp (at most 24 hours ahead)")
    assert too_far == (401, "the identity token's exp is more than 24 hours ahead")
    assert expired == (401, "the identity token has expired")
    assert not_a_time[0] == 401
    assert a_day_ahead_by_a_fast_clock[0] == 200, "60 seconds of clock skew are allowed"
    assert just_expired_by_a_slow_clock[0] == 200


async def test_analytics_events_record_browser_device_and_ip_server_side(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    async with api.client() as client:
        response = await client.post(
            "/api/widget/events",
            json={
                "events": [
                    {"type": "page_view", "url": "https://shop.example/lamp", "title": "Lamp"},
                    {"type": "widget_opened", "url": "https://shop.example/lamp"},
                ]
            },
            headers={"x-perceptron-key": organization.public_key, "user-agent": IPHONE},
        )
    assert response.status_code == 202
    async with org_session(session_maker, organization.id) as session:
        events = (await session.exec(select(WidgetEvent))).all()
    assert sorted(e.type for e in events) == ["page_view", "widget_opened"]
    assert {(e.browser, e.device, e.ip_address) for e in events} == {
        ("Mobile Safari 17", "mobile", "127.0.0.1")
    }


async def test_widget_calls_from_other_sites_get_cors_headers_and_the_allow_list_decides(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    await configure(session_maker, organization.id, allowed_origins=["https://shop.example"])
    async with api.client() as client:
        preflight = await client.options(
            "/api/widget/visitors",
            headers={
                "origin": "https://shop.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "x-perceptron-key, content-type",
            },
        )
        member_api = await client.get("/api/me", headers={"origin": "https://shop.example"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://shop.example"
    assert "x-perceptron-key" in preflight.headers["access-control-allow-headers"]
    assert "access-control-allow-origin" not in member_api.headers


async def test_the_demo_page_embeds_the_first_organizations_widget(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    async with api.client() as client:
        page = await client.get("/demo/")
    assert page.status_code == 200
    assert f'data-key="{organization.public_key}"' in page.text
    assert 'src="/widget.js"' in page.text


async def test_the_widget_script_is_served_when_built_and_explains_itself_when_not(
    settings: Settings, tmp_path: Path
) -> None:
    built = tmp_path / "widget.js"
    built.write_text("window.Perceptron = {};")
    for script, expected in ((built, 200), (tmp_path / "missing.js", 503)):
        configured = settings.model_copy(update={"widget_dist": script})
        async with serve(configured) as running, running.client() as client:
            response = await client.get("/widget.js")
        assert response.status_code == expected
        assert response.headers["content-type"].startswith("application/javascript")


async def test_the_voice_bundle_is_served_beside_the_widget_script(
    settings: Settings, tmp_path: Path
) -> None:
    """The widget loads these only when a visitor presses the microphone, from the origin
    widget.js came from; the worklet is fetched in CORS mode from customers' sites."""
    (tmp_path / "widget.js").write_text("window.Perceptron = {};")
    (tmp_path / "voice.js").write_text("/* voice */")
    (tmp_path / "voice-worklet.js").write_text("/* worklet */")
    configured = settings.model_copy(update={"widget_dist": tmp_path / "widget.js"})
    async with serve(configured) as running, running.client() as client:
        voice = await client.get("/widget-voice.js")
        worklet = await client.get(
            "/widget-voice-worklet.js", headers={"Origin": "https://shop.example"}
        )
    assert (voice.status_code, voice.text) == (200, "/* voice */")
    assert (worklet.status_code, worklet.text) == (200, "/* worklet */")
    for response in (voice, worklet):
        assert response.headers["content-type"].startswith("application/javascript")
        assert response.headers["cache-control"] == "public, max-age=300"
    assert worklet.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-origin" not in voice.headers  # a classic script needs none

    unbuilt = settings.model_copy(update={"widget_dist": tmp_path / "missing" / "widget.js"})
    async with serve(unbuilt) as running, running.client() as client:
        for path in ("/widget-voice.js", "/widget-voice-worklet.js"):
            missing = await client.get(path)
            assert missing.status_code == 503
            assert missing.headers["content-type"].startswith("application/javascript")


async def test_organizations_get_distinct_random_widget_keys(session_maker: SessionMaker) -> None:
    first = await create_organization(session_maker, "A")
    second = await create_organization(session_maker, "B")
    assert first.public_key.startswith("pk_")
    assert first.public_key != second.public_key
    assert first.widget_secret != second.widget_secret
    assert isinstance(first, Organization)
