"""Where a report lands its reporter: the post if they can still see it; its place in the
thread, with a placeholder saying it is hidden until a moderator checks it, when the report hid
it; the category when it hid the whole thread. Never a "Page not found"."""

from __future__ import annotations

from tests.factories import loaded, make_reply, make_thread, make_user, opening_post, sign_in


def _report(client, post, reason="patient_identifier"):
    return client.post(f"/p/{post.id}/report", data={"reason": reason, "note": ""})


PLACEHOLDER = "is hidden until a moderator checks it."


def test_a_reply_hidden_by_the_report_leaves_a_placeholder_in_its_place(app, client):
    thread = make_thread(title="Iron deficiency in an older woman")
    reply = make_reply(thread, body="She lives on the zebrafish farm.")
    make_reply(thread, body="A later reply stays where it was.")
    sign_in(client, make_user())
    response = _report(client, reply)
    assert response.status_code == 302
    assert response.location == (
        f"/t/{thread.id}/{thread.slug}?reported={reply.id}#post-{reply.post_number}"
    )
    page = client.get(response.location)
    html = page.text
    assert page.status_code == 200
    assert f'id="post-{reply.post_number}"' in html
    assert f"Post #{reply.post_number} {PLACEHOLDER}" in html
    assert "zebrafish" not in html
    assert "The post is hidden from members until a moderator checks it" in html
    # In its place: after the opening post, before the later reply.
    assert html.index('id="post-1"') < html.index(PLACEHOLDER) < html.index('id="post-3"')


def test_the_placeholder_is_on_the_page_of_the_post(app, client):
    thread = make_thread(replies=21)
    reply = make_reply(thread, body="Post 23, on page two.")
    sign_in(client, make_user())
    response = _report(client, reply)
    assert "page=2" in response.location and response.location.endswith("#post-23")
    assert f"Post #23 {PLACEHOLDER}" in client.get(response.location).text
    assert PLACEHOLDER not in client.get(f"/t/{thread.id}?reported={reply.id}").text


def test_a_report_that_hides_nothing_goes_back_to_the_post(app, client):
    reply = make_reply(make_thread(), body="You are all wrong.")
    sign_in(client, make_user())
    response = _report(client, reply, "unkind")
    assert response.location == f"/p/{reply.id}"
    assert client.get(response.location).status_code == 302  # on to the thread, shown


def test_an_opening_post_hides_its_thread_so_the_reporter_lands_on_the_category(app, client):
    thread = loaded(make_thread(title="Iron deficiency in an older woman"))
    slug, opening = thread.category.slug, opening_post(thread)
    sign_in(client, make_user())
    response = _report(client, opening)
    assert response.location == f"/c/{slug}"
    page = client.get(response.location)
    assert page.status_code == 200
    assert "The thread “Iron deficiency in an older woman” is hidden from members" in page.text


def test_only_the_reporter_sees_the_placeholder(app, client):
    thread = make_thread()
    reply = make_reply(thread, body="Hidden after a report.")
    reporter, other = make_user(), make_user()
    sign_in(client, reporter)
    location = _report(client, reply).location
    client.post("/logout")
    sign_in(client, other)
    page = client.get(location)
    assert page.status_code == 200 and PLACEHOLDER not in page.text


def test_a_meaningless_reported_value_is_ignored(app, client):
    thread = make_thread()
    sign_in(client, make_user())
    for value in ("abc", "0", "999999", "-1"):
        page = client.get(f"/t/{thread.id}?reported={value}")
        assert page.status_code == 200 and PLACEHOLDER not in page.text
