"""Throttling by client address: sign-ups and password spraying (429 with Retry-After, a friendly page)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.core.cache.backends.redis import RedisCache
from django.test import Client, RequestFactory

from prepsite import throttle

pytestmark = pytest.mark.django_db

# On the hour, so the hourly windows line up with the test's clock.
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PASSWORD = "a long enough passphrase"
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
PROXY = "10.0.0.2"


@pytest.fixture
def limits(settings):
    settings.PREPSITE_SIGNUPS_PER_ADDRESS = 5
    settings.PREPSITE_FAILED_LOGINS_PER_ADDRESS = 8
    return settings


def signup(username: str, address: str = HOME, **headers):
    client = Client(REMOTE_ADDR=address, headers=headers)
    return client.post(
        "/accounts/signup/", {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    )


def login(username: str, password: str, address: str = HOME, path: str = "/accounts/login/", **headers):
    return Client(REMOTE_ADDR=address, headers=headers).post(
        path, {"username": username, "password": password}
    )


# --- the defaults ---------------------------------------------------------------------------------


def test_the_documented_defaults(settings):
    assert settings.PREPSITE_SIGNUPS_PER_ADDRESS == 10
    assert settings.PREPSITE_SIGNUP_WINDOW_MINUTES == 60
    assert settings.PREPSITE_FAILED_LOGINS_PER_ADDRESS == 30
    assert settings.PREPSITE_FAILED_LOGIN_WINDOW_MINUTES == 60
    assert settings.PREPSITE_STARTS_PER_ADDRESS == 30
    assert settings.PREPSITE_STARTS_PER_OWNER == 20
    assert settings.PREPSITE_START_WINDOW_MINUTES == 10
    assert settings.PREPSITE_TRUSTED_PROXY_COUNT == 0


# --- sign-ups -------------------------------------------------------------------------------------


def test_it_refuses_the_sixth_signup_from_one_address(limits, clock, django_user_model):
    for i in range(5):
        assert signup(f"user{i}").status_code == 302
    clock.shift(timedelta(minutes=20))

    refused = signup("user5")

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(40 * 60)
    assert not django_user_model.objects.filter(username="user5").exists()
    assert "Too many sign-ups" in refused.text
    assert "try again in 40 minutes" in refused.text


def test_the_refusal_page_keeps_the_username_but_never_the_password(limits, clock):
    for i in range(5):
        signup(f"user{i}")

    html = signup("user5").text

    assert "<title>Too many requests · prepsite</title>" in html  # the site's own layout
    assert 'name="username" value="user5"' in html
    assert PASSWORD not in html
    assert 'action="/accounts/signup/"' in html
    assert "Traceback" not in html


def test_signups_from_another_address_still_work(limits, clock):
    for i in range(5):
        signup(f"user{i}")
    assert signup("user5").status_code == 429
    assert signup("user6", address=ELSEWHERE).status_code == 302


def test_signups_are_accepted_again_once_the_hour_is_over(limits, clock):
    for i in range(6):
        signup(f"user{i}")
    clock.shift(timedelta(hours=1))
    assert signup("user7").status_code == 302


def test_a_form_with_mistakes_does_not_use_up_the_allowance(limits, clock):
    for i in range(8):
        response = Client(REMOTE_ADDR=HOME).post(
            "/accounts/signup/", {"username": f"typo{i}", "password1": PASSWORD, "password2": "different"}
        )
        assert response.status_code == 200
    assert signup("careful").status_code == 302


# --- the client address ------------------------------------------------------------------------------


def test_it_ignores_x_forwarded_for_unless_a_proxy_is_trusted(limits, clock):
    for i in range(5):
        assert signup(f"user{i}", x_forwarded_for=f"192.0.2.{i}").status_code == 302
    assert signup("user5", x_forwarded_for="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_it_counts_the_address_the_proxy_saw(limits, clock):
    limits.PREPSITE_TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        # Whatever the client puts in front, the proxy appends the address it really saw.
        assert signup(f"user{i}", PROXY, x_forwarded_for=f"192.0.2.{i}, {HOME}").status_code == 302
    assert signup("user5", PROXY, x_forwarded_for=f"192.0.2.77, {HOME}").status_code == 429
    assert signup("user6", PROXY, x_forwarded_for=ELSEWHERE).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", HOME),
        (0, "192.0.2.1", HOME),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.9", "192.0.2.1"),
        (2, "192.0.2.1", HOME),  # fewer hops than configured: not through our proxies
        (1, "not-an-address", HOME),
    ],
)
def test_the_client_address(settings, proxies, forwarded, expected):
    settings.PREPSITE_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=HOME, headers={"x-forwarded-for": forwarded})
    assert throttle.client_address(request) == expected


def test_ipv6_clients_are_counted_per_64_bit_network():
    assert throttle.address_bucket("2001:db8:1:2:aaaa::1") == throttle.address_bucket("2001:db8:1:2:bbbb::9")
    assert throttle.address_bucket("2001:db8:1:3::1") != throttle.address_bucket("2001:db8:1:2::1")
    assert throttle.address_bucket("203.0.113.7") != throttle.address_bucket("203.0.113.8")


# --- password spraying -------------------------------------------------------------------------------


@pytest.fixture
def accounts(django_user_model):
    return [django_user_model.objects.create_user(f"member{i}", password=PASSWORD) for i in range(12)]


def test_it_refuses_log_ins_from_an_address_that_failed_across_many_usernames(limits, clock, accounts):
    for i in range(8):  # one wrong guess per username: django-axes alone never locks any of them
        assert login(f"member{i}", "Winter2026!").status_code == 200
    clock.shift(timedelta(minutes=15))

    refused = login("member9", PASSWORD)

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(45 * 60)
    assert "Too many failed log-ins" in refused.text
    assert 'name="username" value="member9"' in refused.text
    assert PASSWORD not in refused.text


def test_log_ins_from_other_addresses_are_not_affected(limits, clock, accounts):
    for i in range(8):
        login(f"member{i}", "Winter2026!")
    assert login("member9", PASSWORD, address=ELSEWHERE).status_code == 302


def test_successful_log_ins_do_not_count(limits, clock, accounts):
    for i in range(12):
        assert login(f"member{i}", PASSWORD).status_code == 302
    assert login("member0", PASSWORD).status_code == 302


def test_the_admin_log_in_shares_the_count(limits, clock, accounts, django_user_model):
    django_user_model.objects.create_superuser("boss", password=PASSWORD)
    for i in range(4):
        login(f"member{i}", "Winter2026!")
    for i in range(4, 8):
        login(f"member{i}", "Winter2026!", path="/admin/login/")
    assert login("boss", PASSWORD, path="/admin/login/").status_code == 429
    assert login("member9", PASSWORD).status_code == 429


def test_the_address_allowance_comes_back_after_the_window(limits, clock, accounts):
    for i in range(9):
        login(f"member{i}", "Winter2026!")
    clock.shift(timedelta(hours=1))
    assert login("member9", PASSWORD).status_code == 302


def test_django_axes_counts_the_same_client_address_behind_a_proxy(settings, clock, django_user_model):
    settings.PREPSITE_TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user("victim", password=PASSWORD)
    for _ in range(5):
        login("victim", "wrong", PROXY, x_forwarded_for=HOME)
    assert login("victim", PASSWORD, PROXY, x_forwarded_for=HOME).status_code == 429
    # Another candidate behind the same proxy is not locked out of the same account name.
    assert login("victim", PASSWORD, PROXY, x_forwarded_for=ELSEWHERE).status_code == 302


# --- the counter itself --------------------------------------------------------------------------------


def test_a_window_allows_the_limit_then_refuses_until_it_ends(settings, clock):
    settings.PREPSITE_SIGNUPS_PER_ADDRESS = 3
    verdicts = [throttle.SIGNUPS.hit("k") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after == 3600
    assert throttle.SIGNUPS.peek("k").allowed is False
    clock.shift(timedelta(minutes=59, seconds=59))
    assert throttle.SIGNUPS.peek("k").retry_after == 1
    clock.shift(timedelta(seconds=1))
    assert throttle.SIGNUPS.peek("k").allowed is True


def test_a_limit_of_zero_turns_the_limit_off(settings, clock):
    settings.PREPSITE_SIGNUPS_PER_ADDRESS = 0
    assert all(throttle.SIGNUPS.hit("k").allowed for _ in range(50))


@pytest.fixture
def redis_location():
    location = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return location


def test_the_counter_is_shared_by_every_app_server_through_redis(settings, clock, redis_location):
    settings.PREPSITE_SIGNUPS_PER_ADDRESS = 3
    prefix = f"test-{uuid.uuid4().hex}"  # test runs share the Redis server: never clash
    # Two cache clients, as two app servers would have.
    server_a = RedisCache(redis_location, {"KEY_PREFIX": prefix})
    server_b = RedisCache(redis_location, {"KEY_PREFIX": prefix})
    a = throttle.Limit(
        "signup",
        limit="PREPSITE_SIGNUPS_PER_ADDRESS",
        minutes="PREPSITE_SIGNUP_WINDOW_MINUTES",
        cache=server_a,
    )
    b = throttle.Limit(
        "signup",
        limit="PREPSITE_SIGNUPS_PER_ADDRESS",
        minutes="PREPSITE_SIGNUP_WINDOW_MINUTES",
        cache=server_b,
    )
    try:
        assert a.hit(HOME).allowed and b.hit(HOME).allowed and a.hit(HOME).allowed
        assert not b.hit(HOME).allowed
    finally:
        # Only our own keys: clear() would empty the whole Redis database.
        client = redis.Redis.from_url(redis_location)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
