'use strict';
// The machine's own float32 SIMD multiply-add rate as WebAssembly sees it: a small probe kernel
// (f32x4.mul then f32x4.add — WebAssembly SIMD has no fused multiply-add — on 8 independent
// accumulators, so that the adds' latency is hidden), compiled with wabt at bench time.
// 8 accumulators × 4 lanes × 2 operations = 64 floating-point operations per iteration.
// Native code (PyTorch, TensorFlow) can use 8-lane AVX2 FMA: up to 4× this rate per core.

const PROBE_WAT = `(module
  (func (export "probe") (param $n i32) (result f32)
    (local $a v128) (local $b v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local.set $a (f32x4.splat (f32.const 0.5)))
    (local.set $b (f32x4.splat (f32.const 1.0)))
    (loop $l
      (local.set $s0 (f32x4.add (f32x4.mul (local.get $s0) (local.get $a)) (local.get $b)))
      (local.set $s1 (f32x4.add (f32x4.mul (local.get $s1) (local.get $a)) (local.get $b)))
      (local.set $s2 (f32x4.add (f32x4.mul (local.get $s2) (local.get $a)) (local.get $b)))
      (local.set $s3 (f32x4.add (f32x4.mul (local.get $s3) (local.get $a)) (local.get $b)))
      (local.set $s4 (f32x4.add (f32x4.mul (local.get $s4) (local.get $a)) (local.get $b)))
      (local.set $s5 (f32x4.add (f32x4.mul (local.get $s5) (local.get $a)) (local.get $b)))
      (local.set $s6 (f32x4.add (f32x4.mul (local.get $s6) (local.get $a)) (local.get $b)))
      (local.set $s7 (f32x4.add (f32x4.mul (local.get $s7) (local.get $a)) (local.get $b)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f32x4.extract_lane 0 (f32x4.add (f32x4.add (f32x4.add (local.get $s0) (local.get $s1))
      (f32x4.add (local.get $s2) (local.get $s3))) (f32x4.add (f32x4.add (local.get $s4) (local.get $s5))
      (f32x4.add (local.get $s6) (local.get $s7)))))))`;

const FLOPS_PER_ITERATION = 64;

/** GFLOP/s of one thread, the best of `tries` timed runs of `iterations` iterations. */
async function probeGflops(iterations = 2e7, tries = 5) {
  const wabt = await require('wabt')();
  const mod = wabt.parseWat('probe.wat', PROBE_WAT, { simd: true });
  mod.validate({ simd: true });
  const bytes = mod.toBinary({ log: false }).buffer;
  mod.destroy();
  const { instance } = await WebAssembly.instantiate(bytes);
  const probe = instance.exports.probe;
  probe(1e5); // warm-up (tier-up to optimized code)
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < tries; i++) {
    const start = process.hrtime.bigint();
    const r = probe(iterations);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (!(Math.abs(r - 16) < 1e-3)) throw new Error(`probe kernel gave ${r}, expected 16 (8 × 2)`);
    best = Math.min(best, seconds);
  }
  return (iterations * FLOPS_PER_ITERATION) / best / 1e9;
}

/**
 * Floating-point operations of one training batch of an LSTM layer (products only): forward
 * 2·4u(f+u) per window and step, backward about twice that (input and weight gradients).
 */
function lstmBatchFlops(batch, steps, features, units) {
  return 3 * 2 * 4 * units * (features + units) * batch * steps;
}

/**
 * Floating-point operations of one training batch of Flatten → Dense(units) → Dense(1)
 * (products only): forward 2·(inputs·units + units) per window, backward about twice that.
 */
function denseBatchFlops(batch, inputs, units) {
  return 3 * 2 * (inputs * units + units) * batch;
}

module.exports = { probeGflops, lstmBatchFlops, denseBatchFlops };

if (require.main === module) {
  probeGflops().then((g) =>
    console.log(`float32 SIMD multiply-add (WebAssembly f32x4, 1 thread): ${g.toFixed(1)} GFLOP/s`),
  );
}
