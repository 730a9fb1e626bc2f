"""The Export page: an empty file comes with the reason, and a prepared file never outlives its choices."""

from __future__ import annotations

from tests.test_app import env, no_exceptions, sign_in  # noqa: F401  (env is a fixture)


def test_export_page_warns_about_an_empty_story_file_and_drops_it_on_another_format(env):  # noqa: F811
    story = env.story(env.document("000").story_id).name
    at = sign_in("ann")
    at.switch_page("pages/export.py").run()
    at.radio(key="ex_format").set_value("TMX").run()
    at.radio(key="ex_scope_TMX").set_value("story").run()
    at.selectbox(key="ex_story").set_value(story).run()
    at.button(key="ex_prepare").click().run()
    no_exceptions(at)
    [warning] = [w.value for w in at.warning]
    assert "holds no unit" in warning and "workbench align" in warning and "/tmp" not in warning
    assert at.session_state["ex_file"][0].endswith(".tmx") and at.get("download_button")
    at.radio(key="ex_format").set_value("CSV").run()
    no_exceptions(at)
    assert not at.get("download_button") and not at.warning
    assert "ex_file" not in at.session_state
