"""All user-facing wording (jinja2): markdown/, slack/, discord/, prompt/. Data, not code."""
