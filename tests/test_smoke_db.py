from tests.factories import make_thread, make_user, sign_in


def test_member_reads_a_thread(app, client):
    thread = make_thread(replies=2)
    member = make_user()
    sign_in(client, member)
    response = client.get(f"/t/{thread.id}")
    assert response.status_code == 200
    assert b"Reply 2" in response.data
