"""The teaching kit: a 50-minute class plan, a printable cheat-sheet, exercises with worked
solutions (the files in docs/teaching-kit, rendered)."""

import streamlit as st

from core.app import course, kit, layout

layout.page("Teaching kit · Latent Lab", course.KIT.icon)
st.title(f"{course.KIT.icon} Teaching kit")
st.markdown("For an instructor running a class with Latent Lab (see the "
            f"[{course.CLASS.title} page]({course.CLASS.url}) to start one), and for a student "
            "revising. Print a tab with your browser: the sidebar and the page's frame are left "
            "out of the print.")
st.markdown("""<style>@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stTabs"] [role="tablist"],
  .stDownloadButton { display: none !important; }
}</style>""", unsafe_allow_html=True)


def plain(name: str) -> None:
    with layout.part(name):
        st.markdown(kit.text(name))
        st.download_button(f"⬇️ {name} (Markdown)", kit.text(name).encode(), file_name=name,
                           mime="text/markdown", key=f"kit_{name}")


def exercises() -> None:
    with layout.part("the exercises"):
        found = kit.exercises(kit.text("exercises.md"))
        st.markdown(f"{len(found)} exercises. Try each before you open its worked solution.")
        for title, question, solution in found:
            st.header(title)
            st.markdown(question)
            with st.expander("Worked solution"):
                st.markdown(solution)


layout.sections({"1 · Class plan": lambda: plain("plan.md"),
                 "2 · Cheat-sheet": lambda: plain("cheatsheet.md"),
                 "3 · Exercises": exercises}, key="kit_section", lesson_parts=False)
st.page_link(course.HOME, label="Back to the lesson map", icon="🏠")
