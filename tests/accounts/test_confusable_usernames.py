"""Sign-up refuses a username that looks like an existing member's, or mixes alphabets (UTS #39)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.usernames import mixes_scripts, skeleton

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")
PASSWORD = "right-horse-battery-7"
LOOKALIKE = "That username looks too much like an existing member&#x27;s. Please choose another."


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_up(username: str):
    return Client().post(
        SIGNUP, {"username": username, "password1": PASSWORD, "password2": PASSWORD, "birth_date": "1990-01-01"}
    )


@pytest.fixture
def adult_member(db) -> User:
    return User.objects.create_user("adult", password=PASSWORD, birth_date=datetime.date(1990, 1, 1))


class TestSkeleton:
    @pytest.mark.parametrize("lookalike", ["аdult", "ADULT", "adu1t", "AduIt", "ａｄｕｌｔ", "ɑdult"])
    def test_lookalikes_share_a_skeleton(self, lookalike):
        assert skeleton(lookalike) == skeleton("adult")

    @pytest.mark.parametrize(("first", "second"), [("mike", "rnike"), ("paypal", "pаypаl"), ("0scar", "Oscar")])
    def test_classic_confusables(self, first, second):
        assert skeleton(first) == skeleton(second)

    @pytest.mark.parametrize(("first", "second"), [("adult", "adults"), ("josé", "jose"), ("bob", "rob")])
    def test_different_names_stay_different(self, first, second):
        assert skeleton(first) != skeleton(second)


class TestMixedScripts:
    @pytest.mark.parametrize("name", ["аdult", "Тanaka", "pаypal"])
    def test_latin_with_cyrillic_is_mixed(self, name):
        assert mixes_scripts(name)

    @pytest.mark.parametrize("name", ["adult", "user_1", "山田たろう", "ユーザー1", "Taro山田", "Андрей", "김철수"])
    def test_one_script_or_a_japanese_chinese_korean_mix_is_not(self, name):
        assert not mixes_scripts(name)


class TestSignUp:
    def test_cyrillic_a_in_adult_is_refused_when_adult_exists(self, adult_member):
        response = sign_up("аdult")  # U+0430 CYRILLIC SMALL LETTER A
        assert response.status_code == 200
        assert not User.objects.filter(username="аdult").exists()
        assert "mixes letters of several (Cyrillic, Latin)" in response.content.decode()

    @pytest.mark.parametrize("lookalike", ["adu1t", "AduIt"])
    def test_lookalikes_in_one_script_are_refused(self, adult_member, lookalike):
        response = sign_up(lookalike)
        assert response.status_code == 200
        assert LOOKALIKE in response.content.decode()
        assert User.objects.count() == 1

    def test_an_all_cyrillic_lookalike_is_refused(self, db):
        User.objects.create_user("ceo", password=PASSWORD)
        response = sign_up("сео")  # all Cyrillic: one script, same look
        assert LOOKALIKE in response.content.decode()

    @pytest.mark.parametrize("duplicate", ["Adult", "ａｄｕｌｔ"])  # fullwidth: NFKC makes it "adult"
    def test_exact_duplicate_keeps_django_s_message_only(self, adult_member, duplicate):
        page = sign_up(duplicate).content.decode()
        assert "A user with that username already exists." in page
        assert LOOKALIKE not in page

    def test_a_different_name_is_accepted(self, adult_member):
        assert sign_up("adultfan").status_code == 302
        assert User.objects.get(username="adultfan").username_skeleton == skeleton("adultfan")

    def test_saving_a_member_keeps_the_skeleton(self, adult_member):
        adult_member.username = "grownup"
        adult_member.save(update_fields=["username"])
        adult_member.refresh_from_db()
        assert adult_member.username_skeleton == skeleton("grownup")


class TestAdmin:
    def test_a_curator_cannot_rename_a_member_to_a_lookalike(self, adult_member, db):
        curator = User.objects.create_superuser("root", password=PASSWORD)
        other = User.objects.create_user("someone", password=PASSWORD)
        client = Client()
        client.force_login(curator)
        url = reverse("admin:accounts_user_change", args=[other.pk])
        page = client.get(url)
        assert page.status_code == 200
        form = page.context["adminform"].form
        data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
        data.update({"username": "adu1t", "date_joined_0": "2020-01-01", "date_joined_1": "00:00:00"})
        data["hidden_tags"] = []
        response = client.post(url, data)
        assert response.status_code == 200
        other.refresh_from_db()
        assert other.username == "someone"
