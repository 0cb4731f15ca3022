import pandas as pd
from jinja2 import Template


def main():
    frame = pd.DataFrame({"month": ["May"], "total": [1200]})
    print(Template("{{ t }}").render(t=frame.to_string()))
