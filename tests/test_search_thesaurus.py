"""The thesaurus: a search for any term of a group finds posts with any other, on both
databases, phrases included; quoted phrases stay exact; staff edit it at /admin/search-terms
(audited, no reindex). And "did you mean" from the forum's own words."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update
from werkzeug.exceptions import Forbidden

from forum import search
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import AuditEntry, Post, ThesaurusGroup, ThesaurusState, ThesaurusTerm, utcnow
from forum.policy import SYSTEM
from forum.search import thesaurus, vocabulary
from forum.search.query import parse
from forum.services.search import terms
from tests.factories import make_admin, make_thread, make_user, opening_post, sign_in


@pytest.fixture(autouse=True)
def blank_thesaurus(request):
    """Each test starts without groups (the migration seeded the first test's database)."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app")
        for model in (ThesaurusTerm, ThesaurusGroup, ThesaurusState):
            db.session.execute(delete(model))
        db.session.commit()


def found(query: str, actor, **kwargs) -> list[str]:
    return [hit.thread.title for hit in search.search_posts(query, actor, **kwargs).hits]


def group(*words: str, note: str = "") -> ThesaurusGroup:
    made = terms.create_group(SYSTEM, terms=", ".join(words), note=note)
    db.session.commit()
    return made


# Expansion, pure -----------------------------------------------------------------------------

SMALL = thesaurus.Thesaurus.of(
    [["2ww", "two week wait", "urgent suspected cancer"], ["fit", "faecal immunochemical test"]]
)


def test_a_word_carries_its_group():
    expanded = thesaurus.expand(parse("2WW ferritin"), SMALL)
    assert [(t.text, t.alternatives) for t in expanded.terms] == [
        ("2ww", ("two week wait", "urgent suspected cancer")),
        ("ferritin", ()),
    ]


def test_words_typed_side_by_side_make_a_term():
    expanded = thesaurus.expand(parse("two week wait breast"), SMALL)
    assert [t.text for t in expanded.terms] == ["two week wait", "breast"]
    assert expanded.terms[0].alternatives == ("2ww", "urgent suspected cancer")


def test_quoted_phrases_and_prefixes_stay_as_typed():
    expanded = thesaurus.expand(parse('"two week wait" fit* "fit" 2ww'), SMALL)
    assert [t.alternatives for t in expanded.terms] == [(), (), (), SMALL.alternatives("2ww")]
    assert expanded.terms[0].kind == "phrase"


def test_an_exclusion_excludes_the_whole_group():
    expanded = thesaurus.expand(parse("colonoscopy -fit"), SMALL)
    assert expanded.terms[1].negated and expanded.terms[1].alternatives


# Expansion, on the database ---------------------------------------------------------------------


def test_an_abbreviation_finds_its_expansion_and_back(app):
    group("2ww", "two week wait", "urgent suspected cancer")
    make_thread(title="Breast lump", body="Referred on a two week wait yesterday.")
    make_thread(title="Rectal bleeding", body="Sent a 2WW referral for colorectal.")
    make_thread(title="Waiting", body="Two patients wait a week for a routine scan.")
    member = make_user()
    assert sorted(found("2ww", member)) == ["Breast lump", "Rectal bleeding"]
    assert sorted(found("two week wait", member)) == ["Breast lump", "Rectal bleeding"]
    assert found('"two week wait"', member) == ["Breast lump"]


def test_an_excluded_abbreviation_leaves_out_every_form(app):
    group("fit", "faecal immunochemical test")
    make_thread(title="With the letters", body="Iron deficiency anaemia and a positive FIT.")
    make_thread(title="Spelt out", body="Anaemia, faecal immunochemical test pending.")
    make_thread(title="Neither", body="Anaemia in an older man.")
    assert found("anaemia -fit", make_user()) == ["Neither"]


def test_spellings_and_brand_names_with_other_words_and_prefixes(app):
    group("tumour", "tumor")
    group("paracetamol", "acetaminophen")
    make_thread(title="US spelling", body="A carcinoid tumor treated with acetaminophen.")
    make_thread(title="No drug", body="A carcinoid tumour, no analgesia.")
    member = make_user()
    assert found("tumour paracetamol", member) == ["US spelling"]
    assert found("carcin* tumour", member) == ["No drug", "US spelling"]


def test_editing_the_thesaurus_changes_the_next_search_without_a_reindex(app):
    make_thread(title="Lung check", body="Invited to a TLHC scan.")
    member = make_user()
    assert found("lung health check", member) == []
    made = group("tlhc", "lung health check")
    assert found("lung health check", member) == ["Lung check"]
    terms.update_group(SYSTEM, made, terms="tlhc, targeted lung health check")
    db.session.commit()
    assert found("lung health check", member) == []
    terms.delete_group(SYSTEM, made)
    db.session.commit()
    assert found("tlhc", member) == ["Lung check"]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["search_terms.create", "search_terms.update", "search_terms.delete"]


def test_a_term_belongs_to_one_group_and_groups_need_two_terms(app):
    group("psa", "prostate specific antigen")
    with pytest.raises(ServiceError, match="already in the group"):
        terms.create_group(SYSTEM, terms="PSA, prostate antigen")
    with pytest.raises(ServiceError, match="at least two"):
        terms.create_group(SYSTEM, terms="mdt")
    db.session.rollback()
    member = make_user()
    with pytest.raises(Forbidden):
        terms.create_group(member, terms="mdt, multidisciplinary team")


def test_the_seeded_groups_load_and_name_the_shorthand(app):
    assert terms.load_seeded(SYSTEM) >= 60
    db.session.commit()
    known = thesaurus.current().groups
    for word in ("2ww", "usc", "fit", "fds", "cdc", "rdc", "nss", "tlhc", "psa", "ca125", "mdt"):
        assert word in known, word
    for word in ("snomed", "emis", "systmone", "haematuria", "oesophageal", "tumour"):
        assert word in known, word


def test_the_expanded_search_has_as_many_statements_as_before(app, count_queries):
    group("2ww", "two week wait")
    make_thread(title="Referral", body="2WW referral, ferritin low.")
    member = make_user()
    search.search_posts("2ww", member)  # warm: statements built, thesaurus loaded
    with count_queries() as plain:
        search.search_posts("ferritin", member)
    with count_queries() as expanded:
        search.search_posts("2ww", member)
    assert expanded.count == plain.count


# The admin pages ------------------------------------------------------------------------------


def test_staff_add_edit_and_remove_a_group(app, client):
    admin = make_admin()
    sign_in(client, admin)
    page = client.get("/admin/search-terms/")
    assert page.status_code == 200
    bad = client.post("/admin/search-terms/", data={"terms": "onlyone", "note": ""})
    assert bad.status_code == 422 and "onlyone" in bad.get_data(as_text=True)
    added = client.post("/admin/search-terms/", data={"terms": "CDC\ncommunity diagnostic centre"})
    assert added.status_code == 302, added.get_data(as_text=True)
    assert added.location.endswith("/admin/search-terms/"), added.location
    db.session.rollback()  # end this test's read transaction: see what the requests wrote
    made = db.session.scalar(select(ThesaurusGroup))
    made_id = made.id
    assert made.terms_text == ["cdc", "community diagnostic centre"]
    edited = client.post(
        f"/admin/search-terms/{made.id}/edit", data={"terms": "cdc, community diagnostic hub"}
    )
    assert edited.status_code == 302
    assert "community diagnostic hub" in client.get("/admin/search-terms/?find=hub").get_data(
        as_text=True
    )
    assert client.post(f"/admin/search-terms/{made.id}/delete").status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ThesaurusGroup)) == 0
    assert client.get(f"/admin/search-terms/{made_id}/edit").status_code == 404


def test_members_cannot_see_the_page(app, client):
    sign_in(client, make_user())
    assert client.get("/admin/search-terms/").status_code == 404
    assert client.post("/admin/search-terms/", data={"terms": "a, b"}).status_code == 404


def test_the_search_page_says_what_it_also_searched_for(app, client):
    group("fds", "faster diagnosis standard")
    make_thread(title="Meeting the standard", body="Our faster diagnosis standard figures.")
    sign_in(client, make_user())
    page = client.get("/search?q=FDS").get_data(as_text=True)
    assert "Meeting the standard" in page and "Also searched for" in page


# Did you mean ------------------------------------------------------------------------------


def test_a_misspelling_gets_a_suggestion_one_click_away(app, client):
    make_thread(title="Analgesia", body="Regular paracetamol for bone pain.")
    vocabulary.refresh(db.session.connection())
    db.session.commit()
    sign_in(client, make_user())
    page = client.get("/search?q=paracetemol").get_data(as_text=True)
    assert "Did you mean" in page and "q=paracetamol" in page


def test_no_suggestion_for_words_that_matched(app, client):
    make_thread(title="Ferritin", body="Ferritin low.")
    make_thread(title="Ferritn typo", body="Ferritn was checked.")
    vocabulary.refresh(db.session.connection())
    db.session.commit()
    sign_in(client, make_user())
    assert "Did you mean" not in client.get("/search?q=ferritn").get_data(as_text=True)


def test_a_word_only_in_posts_the_reader_cannot_see_is_never_suggested(app, client):
    thread = make_thread(title="Hidden", body="Zolendronate infusion details.")
    hidden = opening_post(thread)
    db.session.execute(update(Post).where(Post.id == hidden.id).values(hidden_at=utcnow()))
    db.session.commit()
    vocabulary.refresh(db.session.connection())
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1
    sign_in(client, make_user())
    assert "Did you mean" not in client.get("/search?q=zolendronat").get_data(as_text=True)


def test_edit_distance():
    assert vocabulary.edit_distance("paracetemol", "paracetamol", 2) == 1
    assert vocabulary.edit_distance("haematuria", "haematuira", 2) == 1
    assert vocabulary.edit_distance("abc", "xyzuvw", 2) == 3


def test_forgotten_words_leave_the_word_list(app):
    """A redaction compacts the index: the words "did you mean" reads are counted again."""
    post = opening_post(make_thread(title="Words", body="Asked about calprotectin levels."))
    connection = db.session.connection()
    vocabulary.refresh(connection)
    db.session.commit()
    assert vocabulary.closest(db.session.connection(), "calprotectim") is not None
    db.session.execute(update(Post).where(Post.id == post.id).values(body_source="Asked."))
    search.compact()
    db.session.commit()
    assert vocabulary.closest(db.session.connection(), "calprotectim") is None
