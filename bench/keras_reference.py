"""Keras 3 (TensorFlow CPU) reference timings for `npm run bench` (run with a Python that has keras).

Usage: python bench/keras_reference.py '<json config>'  -> prints one JSON object of seconds per epoch.
Config as bench/torch_reference.py's: {"cases": [{"cell": "elman|lstm|gru|dense", "batch": 1,
"windows": 2980, "steps": 20, "features": 1, "units": [5, 5], "batches": 200}], "threads": 1}.
Each case: model.fit with the same layers (stacked, last step into Dense(1)), Adam 1e-3, MSE and
batch size; an untimed warm-up fit first (graph tracing), then the median of three timed epochs
of `batches` batches (steps_per_epoch), extrapolated to the whole epoch. Keras has no Jordan cell.
"dense" is Flatten -> Dense(units[0], relu) -> Dense(1) (Jena's dense model).
"""
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main():
    config = json.loads(sys.argv[1])
    threads = config.get("threads", 1)
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    import keras
    import numpy as np

    layer_of = {"elman": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}

    class EpochTimes(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start)

    def time_case(c):
        if c["cell"] not in layer_of and c["cell"] != "dense":
            return None
        keras.utils.set_random_seed(0)
        n, steps, features, batch = c["windows"], c["steps"], c["features"], c["batch"]
        x = np.random.default_rng(0).standard_normal((n, steps, features), dtype=np.float32)
        y = np.random.default_rng(1).standard_normal((n, 1), dtype=np.float32)
        units = c["units"]
        if c["cell"] == "dense":
            body = [keras.layers.Flatten(), keras.layers.Dense(units[0], activation="relu")]
        else:
            body = [layer_of[c["cell"]](u, return_sequences=i < len(units) - 1) for i, u in enumerate(units)]
        model = keras.Sequential([keras.Input((steps, features))] + body + [keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
        total = (n + batch - 1) // batch
        timed = min(total, c.get("batches") or total)
        xs, ys = x[: timed * batch], y[: timed * batch]
        warm = min(timed, 3)
        model.fit(x[: warm * batch], y[: warm * batch], batch_size=batch, epochs=1, shuffle=False, verbose=0)
        times = EpochTimes()
        model.fit(xs, ys, batch_size=batch, epochs=3, shuffle=False, verbose=0, callbacks=[times])
        return sorted(times.seconds)[1] * total / timed

    seconds = [time_case(c) for c in config["cases"]]
    print(json.dumps({"keras": f"keras {keras.__version__} (tensorflow {tf.__version__})", "seconds": seconds}))


if __name__ == "__main__":
    main()
