"""Reference values for the statistics tests, computed with pandas + statsmodels.

Usage: /usr/bin/python3 scripts/reference/statsmodels_reference.py <daily-min-temperatures.csv>
Writes test/fixtures/melbourne-stats.json (derived numbers only, never the data itself).
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import statsmodels
from statsmodels.tsa.stattools import acf, pacf

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get("RNN_DATA_DIR", "."), "daily-min-temperatures.csv")
df = pd.read_csv(src)
x = df["Temp"].astype(float).values
n = len(x)

a, a_ci = acf(x, nlags=365, alpha=0.05, fft=False)
p_adj, p_adj_ci = pacf(x, nlags=30, method="ywadjusted", alpha=0.05)
p_m, p_m_ci = pacf(x, nlags=30, method="ywm", alpha=0.05)
d = df["Temp"].describe()
pred, act = x[2499:-1], x[2500:]

out = {
    "source": os.path.basename(src),
    "versions": {"statsmodels": statsmodels.__version__, "pandas": pd.__version__, "numpy": np.__version__},
    "n": n,
    "acf": {"nlags": 365, "values": a.tolist(), "lower": a_ci[:, 0].tolist(), "upper": a_ci[:, 1].tolist()},
    "pacf_ywadjusted": {"nlags": 30, "values": p_adj.tolist(), "lower": p_adj_ci[:, 0].tolist(), "upper": p_adj_ci[:, 1].tolist()},
    "pacf_ywm": {"nlags": 30, "values": p_m.tolist(), "lower": p_m_ci[:, 0].tolist(), "upper": p_m_ci[:, 1].tolist()},
    "describe": {k: float(v) for k, v in d.items()},
    "persistence_from_2500": {"mae": float(np.mean(np.abs(pred - act))), "mse": float(np.mean((pred - act) ** 2))},
}
dst = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "melbourne-stats.json")
with open(dst, "w") as f:
    json.dump(out, f)
print("wrote", os.path.normpath(dst), out["versions"], out["persistence_from_2500"])
