# pandas reads DRI's tables (docs/CLIENTS.md).
#
#   python3 python.py [BASE_URL]        (default http://127.0.0.1:8080)
#
# Kenya's and Uganda's internet use, every year, as unit,year,value lines,
# from the API's CSV (pandas reads the URL). With pyarrow installed,
# pd.read_parquet(BASE_URL + "/v1/export/observations.parquet") reads the
# whole table in one request.
import sys

import pandas as pd

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
url = (base + "/v1/data?indicator=itu.internet_use&unit=KEN,UGA"
       "&sex=_T&area=_T&age=_T&income=_T&education=_T&labour=_T&per_page=10000&format=csv")
d = pd.read_csv(url).sort_values(["unit", "year"])
for row in d.itertuples():
    print(f"{row.unit},{row.year},{row.value!r}")
