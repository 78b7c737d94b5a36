"""Every lookup is scoped to the user's subtree: out-of-scope ids are 404."""
import pytest


@pytest.fixture
def setup(factory):
    t = factory.tree()
    factory.campaign()
    return t


def test_district_user_gets_404_for_another_districts_unit(client, factory, login_as, setup):
    t = setup
    login_as(factory.user("district", t.d1))
    assert client.get(f"/units/{t.g11.id}").status_code == 200
    assert client.get(f"/units/{t.g21.id}").status_code == 404
    assert client.get(f"/units/{t.d2.id}").status_code == 404
    assert client.get(f"/units/{t.province.id}").status_code == 404
    assert client.get("/units/999999").status_code == 404


def test_reporter_sees_only_its_own_unit(client, factory, login_as, setup):
    t = setup
    login_as(factory.user("reporter", t.g11))
    assert client.get(f"/units/{t.g11.id}").status_code == 200
    assert client.get(f"/units/{t.g12.id}").status_code == 404


def test_coordinator_sees_the_whole_province(client, factory, login_as, setup):
    t = setup
    login_as(factory.user("coordinator", t.province))
    for u in (t.province, t.d1, t.d2, t.g21):
        assert client.get(f"/units/{u.id}").status_code == 200


def test_home_page_shows_only_the_users_subtree(client, factory, login_as, setup):
    t = setup
    login_as(factory.user("observer", t.d2))
    html = client.get("/").get_data(as_text=True)
    assert t.d2.name in html
    assert t.d1.name not in html
    assert t.g11.name not in html
