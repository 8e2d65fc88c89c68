"""Streamlit pages: thin views over ``studio``. ``pages.common`` holds what they share."""
