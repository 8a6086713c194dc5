;; The engine's kernels in WebAssembly with 128-bit SIMD, float32 (four lanes): mvacc,
;; mtacc, mvdot, activate, lstmStep and lstmBack of kernels.wat with every array float32:
;; the engine's default kernels (heap.ts; float64 with RNN_ENGINE_PRECISION=float64).
;; src/engine/kernels-f32.ts has
;; the same kernels in JavaScript with Math.fround at every operation;
;; test/engine/kernels-f32.test.ts checks the two agree bit for bit (activate and lstmStep:
;; up to the rounding of their expm1). Pointers are byte offsets; `stride` counts elements.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; mvacc: out[j] += Σ_{k<rows} v[k] · M[k·stride + j], j < n, rows with v[k] = 0 skipped.
  ;; Columns in blocks of 32 (eight registers), then of 16 (four), then of 4, then single
  ;; columns; each column sums its rows in order.
  (func $mvacc (export "mvacc")
    (param $out i32) (param $v i32) (param $rows i32) (param $M i32) (param $stride i32) (param $n i32)
    (local $j i32) (local $vp i32) (local $vEnd i32) (local $row i32) (local $p i32) (local $vs f32) (local $vk v128)
    (local $rowBytes i32) (local $nBytes i32) (local $s f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vEnd (i32.add (local.get $v) (i32.shl (local.get $rows) (i32.const 2))))
    (block $b32Done
      (loop $b32
        (br_if $b32Done (i32.gt_u (i32.add (local.get $j) (i32.const 128)) (local.get $nBytes)))
        (local.set $p (i32.add (local.get $out) (local.get $j)))
        (local.set $a0 (v128.load offset=0 (local.get $p)))
        (local.set $a1 (v128.load offset=16 (local.get $p)))
        (local.set $a2 (v128.load offset=32 (local.get $p)))
        (local.set $a3 (v128.load offset=48 (local.get $p)))
        (local.set $a4 (v128.load offset=64 (local.get $p)))
        (local.set $a5 (v128.load offset=80 (local.get $p)))
        (local.set $a6 (v128.load offset=96 (local.get $p)))
        (local.set $a7 (v128.load offset=112 (local.get $p)))
        (local.set $row (i32.add (local.get $M) (local.get $j)))
        (local.set $vp (local.get $v))
        (block $kDone
          (loop $k
            (br_if $kDone (i32.ge_u (local.get $vp) (local.get $vEnd)))
            (local.set $vs (f32.load (local.get $vp)))
            (if (f32.ne (local.get $vs) (f32.const 0))
              (then
                (local.set $vk (f32x4.splat (local.get $vs)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $vk) (v128.load offset=0 (local.get $row)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $vk) (v128.load offset=16 (local.get $row)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $vk) (v128.load offset=32 (local.get $row)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $vk) (v128.load offset=48 (local.get $row)))))
                (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $vk) (v128.load offset=64 (local.get $row)))))
                (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $vk) (v128.load offset=80 (local.get $row)))))
                (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $vk) (v128.load offset=96 (local.get $row)))))
                (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $vk) (v128.load offset=112 (local.get $row)))))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
            (br $k)))
        (v128.store offset=0 (local.get $p) (local.get $a0))
        (v128.store offset=16 (local.get $p) (local.get $a1))
        (v128.store offset=32 (local.get $p) (local.get $a2))
        (v128.store offset=48 (local.get $p) (local.get $a3))
        (v128.store offset=64 (local.get $p) (local.get $a4))
        (v128.store offset=80 (local.get $p) (local.get $a5))
        (v128.store offset=96 (local.get $p) (local.get $a6))
        (v128.store offset=112 (local.get $p) (local.get $a7))
        (local.set $j (i32.add (local.get $j) (i32.const 128)))
        (br $b32)))
    (block $b16Done
      (loop $b16
        (br_if $b16Done (i32.gt_u (i32.add (local.get $j) (i32.const 64)) (local.get $nBytes)))
        (local.set $p (i32.add (local.get $out) (local.get $j)))
        (local.set $a0 (v128.load offset=0 (local.get $p)))
        (local.set $a1 (v128.load offset=16 (local.get $p)))
        (local.set $a2 (v128.load offset=32 (local.get $p)))
        (local.set $a3 (v128.load offset=48 (local.get $p)))
        (local.set $row (i32.add (local.get $M) (local.get $j)))
        (local.set $vp (local.get $v))
        (block $kDone
          (loop $k
            (br_if $kDone (i32.ge_u (local.get $vp) (local.get $vEnd)))
            (local.set $vs (f32.load (local.get $vp)))
            (if (f32.ne (local.get $vs) (f32.const 0))
              (then
                (local.set $vk (f32x4.splat (local.get $vs)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $vk) (v128.load offset=0 (local.get $row)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $vk) (v128.load offset=16 (local.get $row)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $vk) (v128.load offset=32 (local.get $row)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $vk) (v128.load offset=48 (local.get $row)))))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
            (br $k)))
        (v128.store offset=0 (local.get $p) (local.get $a0))
        (v128.store offset=16 (local.get $p) (local.get $a1))
        (v128.store offset=32 (local.get $p) (local.get $a2))
        (v128.store offset=48 (local.get $p) (local.get $a3))
        (local.set $j (i32.add (local.get $j) (i32.const 64)))
        (br $b16)))
    (block $b4Done
      (loop $b4
        (br_if $b4Done (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $nBytes)))
        (local.set $p (i32.add (local.get $out) (local.get $j)))
        (local.set $a0 (v128.load (local.get $p)))
        (local.set $row (i32.add (local.get $M) (local.get $j)))
        (local.set $vp (local.get $v))
        (block $kDone
          (loop $k
            (br_if $kDone (i32.ge_u (local.get $vp) (local.get $vEnd)))
            (local.set $vs (f32.load (local.get $vp)))
            (if (f32.ne (local.get $vs) (f32.const 0))
              (then
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (f32x4.splat (local.get $vs)) (v128.load (local.get $row)))))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
            (br $k)))
        (v128.store (local.get $p) (local.get $a0))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $b4)))
    (block $b1Done
      (loop $b1
        (br_if $b1Done (i32.ge_u (local.get $j) (local.get $nBytes)))
        (local.set $p (i32.add (local.get $out) (local.get $j)))
        (local.set $s (f32.load (local.get $p)))
        (local.set $row (i32.add (local.get $M) (local.get $j)))
        (local.set $vp (local.get $v))
        (block $kDone
          (loop $k
            (br_if $kDone (i32.ge_u (local.get $vp) (local.get $vEnd)))
            (local.set $vs (f32.load (local.get $vp)))
            (if (f32.ne (local.get $vs) (f32.const 0))
              (then (local.set $s (f32.add (local.get $s) (f32.mul (local.get $vs) (f32.load (local.get $row)))))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
            (br $k)))
        (f32.store (local.get $p) (local.get $s))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $b1))))

  ;; mtacc: gM[k·gStride + j] += Σ_{t<T} V[t·vStride + k] · D[t·dStride + j], k < rows, j < n.
  ;; Columns in blocks of 32 (eight registers over all steps), then of 16 (four), then of 4,
  ;; then single columns; steps summed in order.
  (func (export "mtacc")
    (param $gM i32) (param $gStride i32) (param $V i32) (param $vStride i32) (param $rows i32)
    (param $D i32) (param $dStride i32) (param $n i32) (param $T i32)
    (local $j i32) (local $k i32) (local $t i32) (local $vp i32) (local $dp i32) (local $p i32) (local $vk v128)
    (local $gBytes i32) (local $vBytes i32) (local $dBytes i32) (local $nBytes i32) (local $s f32) (local $w i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $gBytes (i32.shl (local.get $gStride) (i32.const 2)))
    (local.set $vBytes (i32.shl (local.get $vStride) (i32.const 2)))
    (local.set $dBytes (i32.shl (local.get $dStride) (i32.const 2)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $b32Done
      (loop $b32
        (br_if $b32Done (i32.gt_u (i32.add (local.get $j) (i32.const 128)) (local.get $nBytes)))
        (local.set $k (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $rows)))
            (local.set $p (i32.add (i32.add (local.get $gM) (i32.mul (local.get $k) (local.get $gBytes))) (local.get $j)))
            (local.set $a0 (v128.load offset=0 (local.get $p)))
            (local.set $a1 (v128.load offset=16 (local.get $p)))
            (local.set $a2 (v128.load offset=32 (local.get $p)))
            (local.set $a3 (v128.load offset=48 (local.get $p)))
            (local.set $a4 (v128.load offset=64 (local.get $p)))
            (local.set $a5 (v128.load offset=80 (local.get $p)))
            (local.set $a6 (v128.load offset=96 (local.get $p)))
            (local.set $a7 (v128.load offset=112 (local.get $p)))
            (local.set $vp (i32.add (local.get $V) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $dp (i32.add (local.get $D) (local.get $j)))
            (local.set $t (local.get $T))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.eqz (local.get $t)))
                (local.set $vk (v128.load32_splat (local.get $vp)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $vk) (v128.load offset=0 (local.get $dp)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $vk) (v128.load offset=16 (local.get $dp)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $vk) (v128.load offset=32 (local.get $dp)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $vk) (v128.load offset=48 (local.get $dp)))))
                (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $vk) (v128.load offset=64 (local.get $dp)))))
                (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $vk) (v128.load offset=80 (local.get $dp)))))
                (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $vk) (v128.load offset=96 (local.get $dp)))))
                (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $vk) (v128.load offset=112 (local.get $dp)))))
                (local.set $vp (i32.add (local.get $vp) (local.get $vBytes)))
                (local.set $dp (i32.add (local.get $dp) (local.get $dBytes)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br $tLoop)))
            (v128.store offset=0 (local.get $p) (local.get $a0))
            (v128.store offset=16 (local.get $p) (local.get $a1))
            (v128.store offset=32 (local.get $p) (local.get $a2))
            (v128.store offset=48 (local.get $p) (local.get $a3))
            (v128.store offset=64 (local.get $p) (local.get $a4))
            (v128.store offset=80 (local.get $p) (local.get $a5))
            (v128.store offset=96 (local.get $p) (local.get $a6))
            (v128.store offset=112 (local.get $p) (local.get $a7))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rowLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 128)))
        (br $b32)))
    (block $b16Done
      (loop $b16
        (br_if $b16Done (i32.gt_u (i32.add (local.get $j) (i32.const 64)) (local.get $nBytes)))
        (local.set $k (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $rows)))
            (local.set $p (i32.add (i32.add (local.get $gM) (i32.mul (local.get $k) (local.get $gBytes))) (local.get $j)))
            (local.set $a0 (v128.load offset=0 (local.get $p)))
            (local.set $a1 (v128.load offset=16 (local.get $p)))
            (local.set $a2 (v128.load offset=32 (local.get $p)))
            (local.set $a3 (v128.load offset=48 (local.get $p)))
            (local.set $vp (i32.add (local.get $V) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $dp (i32.add (local.get $D) (local.get $j)))
            (local.set $t (local.get $T))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.eqz (local.get $t)))
                (local.set $vk (v128.load32_splat (local.get $vp)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $vk) (v128.load offset=0 (local.get $dp)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $vk) (v128.load offset=16 (local.get $dp)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $vk) (v128.load offset=32 (local.get $dp)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $vk) (v128.load offset=48 (local.get $dp)))))
                (local.set $vp (i32.add (local.get $vp) (local.get $vBytes)))
                (local.set $dp (i32.add (local.get $dp) (local.get $dBytes)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br $tLoop)))
            (v128.store offset=0 (local.get $p) (local.get $a0))
            (v128.store offset=16 (local.get $p) (local.get $a1))
            (v128.store offset=32 (local.get $p) (local.get $a2))
            (v128.store offset=48 (local.get $p) (local.get $a3))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rowLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 64)))
        (br $b16)))
    (block $b4Done
      (loop $b4
        (br_if $b4Done (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $nBytes)))
        (local.set $k (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $rows)))
            (local.set $p (i32.add (i32.add (local.get $gM) (i32.mul (local.get $k) (local.get $gBytes))) (local.get $j)))
            (local.set $a0 (v128.load (local.get $p)))
            (local.set $vp (i32.add (local.get $V) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $dp (i32.add (local.get $D) (local.get $j)))
            (local.set $t (local.get $T))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.eqz (local.get $t)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $vp)) (v128.load (local.get $dp)))))
                (local.set $vp (i32.add (local.get $vp) (local.get $vBytes)))
                (local.set $dp (i32.add (local.get $dp) (local.get $dBytes)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br $tLoop)))
            (v128.store (local.get $p) (local.get $a0))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rowLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $b4)))
    (block $b1Done
      (loop $b1
        (br_if $b1Done (i32.ge_u (local.get $j) (local.get $nBytes)))
        (local.set $k (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $rows)))
            (local.set $p (i32.add (i32.add (local.get $gM) (i32.mul (local.get $k) (local.get $gBytes))) (local.get $j)))
            (local.set $s (f32.load (local.get $p)))
            (local.set $vp (i32.add (local.get $V) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $dp (i32.add (local.get $D) (local.get $j)))
            (local.set $t (local.get $T))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.eqz (local.get $t)))
                (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $vp)) (f32.load (local.get $dp)))))
                (local.set $vp (i32.add (local.get $vp) (local.get $vBytes)))
                (local.set $dp (i32.add (local.get $dp) (local.get $dBytes)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br $tLoop)))
            (f32.store (local.get $p) (local.get $s))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rowLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $b1))))

  ;; mvdot: s_k = Σ_{j<n} M[k·stride + j] · d[j], k < rows; accumulate 0: dv[k] = s_k, else
  ;; dv[k] += s_k. Four rows at a time (each loaded quad of d used four times), then single
  ;; rows. In each row, column j adds into lane j mod 4; then (lane0 + lane1) + (lane2 +
  ;; lane3); then the last n mod 4 columns in order.
  (func $mvdot (export "mvdot")
    (param $dv i32) (param $d i32) (param $rows i32) (param $M i32) (param $stride i32) (param $n i32) (param $accumulate i32)
    (local $k i32) (local $j i32) (local $r0 i32) (local $rowBytes i32) (local $quadBytes i32) (local $nBytes i32)
    (local $q i32) (local $s f32) (local $dj v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $quadBytes (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $b4Done
      (loop $b4
        (br_if $b4Done (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $rows)))
        (local.set $r0 (i32.add (local.get $M) (i32.mul (local.get $k) (local.get $rowBytes))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $quadBytes)))
            (local.set $dj (v128.load (i32.add (local.get $d) (local.get $j))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 0))) (local.get $j))) (local.get $dj))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 1))) (local.get $j))) (local.get $dj))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 2))) (local.get $j))) (local.get $dj))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $j))) (local.get $dj))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $jLoop)))
        (local.set $s (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
          (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
        (local.set $j (local.get $quadBytes))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $nBytes)))
            (local.set $s (f32.add (local.get $s)
              (f32.mul (f32.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 0))) (local.get $j))) (f32.load (i32.add (local.get $d) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (local.set $q (i32.add (local.get $dv) (i32.shl (i32.add (local.get $k) (i32.const 0)) (i32.const 2))))
        (if (local.get $accumulate)
          (then (local.set $s (f32.add (f32.load (local.get $q)) (local.get $s)))))
        (f32.store (local.get $q) (local.get $s))
        (local.set $s (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a1)) (f32x4.extract_lane 1 (local.get $a1)))
          (f32.add (f32x4.extract_lane 2 (local.get $a1)) (f32x4.extract_lane 3 (local.get $a1)))))
        (local.set $j (local.get $quadBytes))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $nBytes)))
            (local.set $s (f32.add (local.get $s)
              (f32.mul (f32.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 1))) (local.get $j))) (f32.load (i32.add (local.get $d) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (local.set $q (i32.add (local.get $dv) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2))))
        (if (local.get $accumulate)
          (then (local.set $s (f32.add (f32.load (local.get $q)) (local.get $s)))))
        (f32.store (local.get $q) (local.get $s))
        (local.set $s (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a2)) (f32x4.extract_lane 1 (local.get $a2)))
          (f32.add (f32x4.extract_lane 2 (local.get $a2)) (f32x4.extract_lane 3 (local.get $a2)))))
        (local.set $j (local.get $quadBytes))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $nBytes)))
            (local.set $s (f32.add (local.get $s)
              (f32.mul (f32.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 2))) (local.get $j))) (f32.load (i32.add (local.get $d) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (local.set $q (i32.add (local.get $dv) (i32.shl (i32.add (local.get $k) (i32.const 2)) (i32.const 2))))
        (if (local.get $accumulate)
          (then (local.set $s (f32.add (f32.load (local.get $q)) (local.get $s)))))
        (f32.store (local.get $q) (local.get $s))
        (local.set $s (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a3)) (f32x4.extract_lane 1 (local.get $a3)))
          (f32.add (f32x4.extract_lane 2 (local.get $a3)) (f32x4.extract_lane 3 (local.get $a3)))))
        (local.set $j (local.get $quadBytes))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $nBytes)))
            (local.set $s (f32.add (local.get $s)
              (f32.mul (f32.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $j))) (f32.load (i32.add (local.get $d) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (local.set $q (i32.add (local.get $dv) (i32.shl (i32.add (local.get $k) (i32.const 3)) (i32.const 2))))
        (if (local.get $accumulate)
          (then (local.set $s (f32.add (f32.load (local.get $q)) (local.get $s)))))
        (f32.store (local.get $q) (local.get $s))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $b4)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $rows)))
        (local.set $r0 (i32.add (local.get $M) (i32.mul (local.get $k) (local.get $rowBytes))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $quadBytes)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $r0) (local.get $j))) (v128.load (i32.add (local.get $d) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $jLoop)))
        (local.set $s (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
          (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
        (local.set $j (local.get $quadBytes))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $j) (local.get $nBytes)))
            (local.set $s (f32.add (local.get $s)
              (f32.mul (f32.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 0))) (local.get $j))) (f32.load (i32.add (local.get $d) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (local.set $q (i32.add (local.get $dv) (i32.shl (i32.add (local.get $k) (i32.const 0)) (i32.const 2))))
        (if (local.get $accumulate)
          (then (local.set $s (f32.add (f32.load (local.get $q)) (local.get $s)))))
        (f32.store (local.get $q) (local.get $s))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rowLoop))))

  ;; activate: dst[k] = sigmoid(src[k]) (kind 0) or tanh(src[k]) (kind 1), k < n; src may be dst.
  ;; $activateRange does the work: tanh for tanhFrom ≤ k < tanhTo, sigmoid elsewhere, lane by lane
  ;; (a lane's result does not depend on its neighbours' kind), so that lstmStep activates its
  ;; four gate blocks i, f, c̃, o in one pass.
  ;; As in kernels.wat, both through e = expm1(a), a = −x (sigmoid) or −2|x| (tanh):
  ;;   sigmoid(x) = 1 / (2 + e),   tanh|x| = −e / (2 + e), the sign of x restored;
  ;; in float32: a clamped to [−87, 88]; a = m·ln2 + r; e^r − 1 by its Taylor series to r^8/8!.
  ;; Four values per step, then single values (each in a splatted vector, one lane stored), so
  ;; nothing is read or written past src[n−1] or dst[n−1].
  (func (export "activate") (param $src i32) (param $dst i32) (param $n i32) (param $kind i32)
    (call $activateRange (local.get $src) (local.get $dst) (local.get $n) (i32.const 0)
      (select (local.get $n) (i32.const 0) (local.get $kind))))
  (func $activateRange (param $src i32) (param $dst i32) (param $n i32) (param $tanhFrom i32) (param $tanhTo i32)
    (local $j i32) (local $x v128) (local $a v128) (local $m v128) (local $r v128) (local $p v128)
    (local $s v128) (local $e v128) (local $y v128) (local $tanh v128) (local $t v128)
    (local $from v128) (local $to v128)
    (local.set $from (i32x4.splat (local.get $tanhFrom)))
    (local.set $to (i32x4.splat (local.get $tanhTo)))
    (block $done
      (loop $l
        (br_if $done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        ;; the lanes k = j … j + 3 that take tanh: all, none (tested on integers, the usual
        ;; case), or those from tanhFrom or before tanhTo (a quad across a block's edge)
        (local.set $tanh
          (if (result v128) (i32.and (i32.ge_s (local.get $j) (local.get $tanhFrom))
                                     (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $tanhTo)))
            (then (v128.const i32x4 -1 -1 -1 -1))
            (else (if (result v128) (i32.or (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $tanhFrom))
                                            (i32.ge_s (local.get $j) (local.get $tanhTo)))
              (then (v128.const i32x4 0 0 0 0))
              (else
                (local.set $t (i32x4.add (i32x4.splat (local.get $j)) (v128.const i32x4 0 1 2 3)))
                (v128.and (i32x4.ge_s (local.get $t) (local.get $from)) (i32x4.lt_s (local.get $t) (local.get $to))))))))
        (local.set $x (v128.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $a (v128.bitselect
          (f32x4.mul (f32x4.abs (local.get $x)) (f32x4.splat (f32.const -2)))
          (f32x4.neg (local.get $x))
          (local.get $tanh)))
        (local.set $a (f32x4.pmax (f32x4.pmin (local.get $a) (f32x4.splat (f32.const 88))) (f32x4.splat (f32.const -87))))
        ;; m = round(a / ln2) by adding 1.5·2^23: the low bits of t then hold m as an integer
        (local.set $t (f32x4.add (f32x4.mul (local.get $a) (f32x4.splat (f32.const 1.44269504))) (f32x4.splat (f32.const 12582912))))
        (local.set $m (f32x4.sub (local.get $t) (f32x4.splat (f32.const 12582912))))
        (local.set $r (f32x4.sub (local.get $a) (f32x4.mul (local.get $m) (f32x4.splat (f32.const 0.693359375)))))
        (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $m) (f32x4.splat (f32.const -2.12194440e-4)))))
        ;; q(r) = Σ_{i≤7} r^i/(i+1)! by Horner's scheme; p = r·q(r) = e^r − 1
        (local.set $p (f32x4.add (f32x4.splat (f32.const 1.98412698e-4)) (f32x4.mul (f32x4.splat (f32.const 2.48015873e-5)) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 1.38888889e-3)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 8.33333333e-3)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 4.16666667e-2)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 0.166666667)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 0.5)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.mul (local.get $p) (local.get $r)))
        ;; 2^m: (m + 127) into the exponent field (the shift drops t's own exponent bits)
        (local.set $s (i32x4.shl (i32x4.add (local.get $t) (i32x4.splat (i32.const 127))) (i32.const 23)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $s) (local.get $p)) (f32x4.sub (local.get $s) (f32x4.splat (f32.const 1)))))
        (local.set $y (f32x4.div
          (v128.bitselect (f32x4.sub (f32x4.splat (f32.const 0)) (local.get $e)) (f32x4.splat (f32.const 1)) (local.get $tanh))
          (f32x4.add (f32x4.splat (f32.const 2)) (local.get $e))))
        (local.set $y (v128.bitselect (f32x4.neg (local.get $y)) (local.get $y)
          (v128.and (local.get $tanh) (f32x4.lt (local.get $x) (f32x4.splat (f32.const 0))))))
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (local.get $y))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l)))
    (block $done1
      (loop $l1
        (br_if $done1 (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $tanh (i8x16.splat (i32.sub (i32.const 0)
          (i32.and (i32.ge_s (local.get $j) (local.get $tanhFrom)) (i32.lt_s (local.get $j) (local.get $tanhTo))))))
        (local.set $x (v128.load32_splat (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $a (v128.bitselect
          (f32x4.mul (f32x4.abs (local.get $x)) (f32x4.splat (f32.const -2)))
          (f32x4.neg (local.get $x))
          (local.get $tanh)))
        (local.set $a (f32x4.pmax (f32x4.pmin (local.get $a) (f32x4.splat (f32.const 88))) (f32x4.splat (f32.const -87))))
        ;; m = round(a / ln2) by adding 1.5·2^23: the low bits of t then hold m as an integer
        (local.set $t (f32x4.add (f32x4.mul (local.get $a) (f32x4.splat (f32.const 1.44269504))) (f32x4.splat (f32.const 12582912))))
        (local.set $m (f32x4.sub (local.get $t) (f32x4.splat (f32.const 12582912))))
        (local.set $r (f32x4.sub (local.get $a) (f32x4.mul (local.get $m) (f32x4.splat (f32.const 0.693359375)))))
        (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $m) (f32x4.splat (f32.const -2.12194440e-4)))))
        ;; q(r) = Σ_{i≤7} r^i/(i+1)! by Horner's scheme; p = r·q(r) = e^r − 1
        (local.set $p (f32x4.add (f32x4.splat (f32.const 1.98412698e-4)) (f32x4.mul (f32x4.splat (f32.const 2.48015873e-5)) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 1.38888889e-3)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 8.33333333e-3)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 4.16666667e-2)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 0.166666667)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 0.5)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $p) (local.get $r))))
        (local.set $p (f32x4.mul (local.get $p) (local.get $r)))
        ;; 2^m: (m + 127) into the exponent field (the shift drops t's own exponent bits)
        (local.set $s (i32x4.shl (i32x4.add (local.get $t) (i32x4.splat (i32.const 127))) (i32.const 23)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $s) (local.get $p)) (f32x4.sub (local.get $s) (f32x4.splat (f32.const 1)))))
        (local.set $y (f32x4.div
          (v128.bitselect (f32x4.sub (f32x4.splat (f32.const 0)) (local.get $e)) (f32x4.splat (f32.const 1)) (local.get $tanh))
          (f32x4.add (f32x4.splat (f32.const 2)) (local.get $e))))
        (local.set $y (v128.bitselect (f32x4.neg (local.get $y)) (local.get $y)
          (v128.and (local.get $tanh) (f32x4.lt (local.get $x) (f32x4.splat (f32.const 0))))))
        (v128.store32_lane 0 (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (local.get $y))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l1))))

  ;; lstmStep: one LSTM step (kernels.wat has the formulas), float32: g [i f c̃ o] activated in
  ;; place in one pass (tanh for the c̃ block); c = f·cPrev + i·c̃, ac = tanh(c), h = o·ac. Four
  ;; values at a time, then single ones.
  (func $lstmStep (export "lstmStep") (param $g i32) (param $cPrev i32) (param $c i32) (param $ac i32) (param $h i32) (param $U i32)
    (local $j i32) (local $ub i32) (local $off i32)
    (local.set $ub (i32.shl (local.get $U) (i32.const 2)))
    (call $activateRange (local.get $g) (local.get $g) (i32.shl (local.get $U) (i32.const 2))
      (i32.shl (local.get $U) (i32.const 1)) (i32.mul (local.get $U) (i32.const 3)))
    ;; c = f·cPrev + i·c̃
    (block $done
      (loop $l
        (br_if $done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $U)))
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (v128.store (i32.add (local.get $c) (local.get $off)) (f32x4.add
          (f32x4.mul (v128.load (i32.add (i32.add (local.get $g) (local.get $ub)) (local.get $off))) (v128.load (i32.add (local.get $cPrev) (local.get $off))))
          (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $off))) (v128.load (i32.add (i32.add (local.get $g) (i32.shl (local.get $ub) (i32.const 1))) (local.get $off))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l)))
    (block $done1
      (loop $l1
        (br_if $done1 (i32.ge_u (local.get $j) (local.get $U)))
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (f32.store (i32.add (local.get $c) (local.get $off)) (f32.add
          (f32.mul (f32.load (i32.add (i32.add (local.get $g) (local.get $ub)) (local.get $off))) (f32.load (i32.add (local.get $cPrev) (local.get $off))))
          (f32.mul (f32.load (i32.add (local.get $g) (local.get $off))) (f32.load (i32.add (i32.add (local.get $g) (i32.shl (local.get $ub) (i32.const 1))) (local.get $off))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l1)))
    (call $activateRange (local.get $c) (local.get $ac) (local.get $U) (i32.const 0) (local.get $U))
    ;; h = o·ac
    (local.set $j (i32.const 0))
    (block $done2
      (loop $l2
        (br_if $done2 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $U)))
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (v128.store (i32.add (local.get $h) (local.get $off)) (f32x4.mul
          (v128.load (i32.add (i32.add (local.get $g) (i32.mul (local.get $ub) (i32.const 3))) (local.get $off)))
          (v128.load (i32.add (local.get $ac) (local.get $off)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l2)))
    (block $done3
      (loop $l3
        (br_if $done3 (i32.ge_u (local.get $j) (local.get $U)))
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (f32.store (i32.add (local.get $h) (local.get $off)) (f32.mul
          (f32.load (i32.add (i32.add (local.get $g) (i32.mul (local.get $ub) (i32.const 3))) (local.get $off)))
          (f32.load (i32.add (local.get $ac) (local.get $off)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l3))))

  ;; lstmBack: the backward of lstmStep at one step (kernels.wat has the formulas), float32:
  ;;   dcTot = dc + dh·o·(1 − ac²);  dz_i = dcTot·c̃·i(1 − i),  dz_f = dcTot·cPrev·f(1 − f),
  ;;   dz_c̃ = dcTot·i·(1 − c̃²),  dz_o = dh·ac·o(1 − o);  dc ← dcTot·f.
  ;; Four values at a time; in a last block of U mod 4 values, lanes past U are read (arena
  ;; arrays are padded to 16 bytes) but never written ($mask keeps what is there).
  (func $lstmBack (export "lstmBack") (param $g i32) (param $cPrev i32) (param $ac i32) (param $dhs i32) (param $dhPrev i32)
    (param $dc i32) (param $dz i32) (param $U i32)
    (local $j i32) (local $off i32) (local $ub i32) (local $pg i32) (local $pd i32)
    (local $i v128) (local $f v128) (local $cc v128) (local $o v128) (local $a v128) (local $dh v128) (local $dt v128)
    (local $one v128) (local $mask v128) (local $q i32)
    (local.set $ub (i32.shl (local.get $U) (i32.const 2)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $j) (local.get $U)))
        ;; lane l is written when j + l < U
        (local.set $mask (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (i32.sub (local.get $U) (local.get $j)))))
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (local.set $pg (i32.add (local.get $g) (local.get $off)))
        (local.set $pd (i32.add (local.get $dz) (local.get $off)))
        (local.set $i (v128.load (local.get $pg)))
        (local.set $f (v128.load (i32.add (local.get $pg) (local.get $ub))))
        (local.set $cc (v128.load (i32.add (local.get $pg) (i32.shl (local.get $ub) (i32.const 1)))))
        (local.set $o (v128.load (i32.add (local.get $pg) (i32.mul (local.get $ub) (i32.const 3)))))
        (local.set $a (v128.load (i32.add (local.get $ac) (local.get $off))))
        (local.set $dh (f32x4.add
          (v128.load (i32.add (local.get $dhs) (local.get $off)))
          (v128.load (i32.add (local.get $dhPrev) (local.get $off)))))
        (local.set $dt (f32x4.add (v128.load (i32.add (local.get $dc) (local.get $off)))
          (f32x4.mul (f32x4.mul (local.get $dh) (local.get $o)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $a) (local.get $a))))))
        (local.set $q (i32.add (local.get $pd) (i32.mul (local.get $ub) (i32.const 3))))
        (v128.store (local.get $q) (v128.bitselect
          (f32x4.mul (f32x4.mul (local.get $dh) (local.get $a)) (f32x4.mul (local.get $o) (f32x4.sub (local.get $one) (local.get $o))))
          (v128.load (local.get $q)) (local.get $mask)))
        (local.set $q (local.get $pd))
        (v128.store (local.get $q) (v128.bitselect
          (f32x4.mul (f32x4.mul (local.get $dt) (local.get $cc)) (f32x4.mul (local.get $i) (f32x4.sub (local.get $one) (local.get $i))))
          (v128.load (local.get $q)) (local.get $mask)))
        (local.set $q (i32.add (local.get $pd) (local.get $ub)))
        (v128.store (local.get $q) (v128.bitselect
          (f32x4.mul (f32x4.mul (local.get $dt) (v128.load (i32.add (local.get $cPrev) (local.get $off)))) (f32x4.mul (local.get $f) (f32x4.sub (local.get $one) (local.get $f))))
          (v128.load (local.get $q)) (local.get $mask)))
        (local.set $q (i32.add (local.get $pd) (i32.shl (local.get $ub) (i32.const 1))))
        (v128.store (local.get $q) (v128.bitselect
          (f32x4.mul (f32x4.mul (local.get $dt) (local.get $i)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $cc) (local.get $cc))))
          (v128.load (local.get $q)) (local.get $mask)))
        (local.set $q (i32.add (local.get $dc) (local.get $off)))
        (v128.store (local.get $q) (v128.bitselect
          (f32x4.mul (local.get $dt) (local.get $f))
          (v128.load (local.get $q)) (local.get $mask)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l))))

  ;; lstmForward: an LSTM layer's whole forward pass over T steps in one call, step by step as the
  ;; layer did it from JavaScript (the same operations in the same order, so the same results):
  ;; z_t = bias, z_t += x_t·W (mvacc), z_t += h_(t−1)·R (mvacc), then lstmStep. x is [T × I],
  ;; W [I × 4U], R [U × 4U], zs [T × 4U]; hs, cs, acs [(T+1) × U] with row 0 the initial state.
  (func (export "lstmForward")
    (param $x i32) (param $W i32) (param $R i32) (param $bias i32) (param $zs i32) (param $hs i32)
    (param $cs i32) (param $acs i32) (param $T i32) (param $I i32) (param $U i32)
    (local $t i32) (local $G i32) (local $gb i32) (local $ub i32) (local $z i32) (local $prev i32)
    (local.set $G (i32.shl (local.get $U) (i32.const 2)))
    (local.set $gb (i32.shl (local.get $G) (i32.const 2)))
    (local.set $ub (i32.shl (local.get $U) (i32.const 2)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $t) (local.get $T)))
        (local.set $z (i32.add (local.get $zs) (i32.mul (local.get $t) (local.get $gb))))
        (local.set $prev (i32.mul (local.get $t) (local.get $ub)))
        (memory.copy (local.get $z) (local.get $bias) (local.get $gb))
        (call $mvacc (local.get $z) (i32.add (local.get $x) (i32.shl (i32.mul (local.get $t) (local.get $I)) (i32.const 2)))
          (local.get $I) (local.get $W) (local.get $G) (local.get $G))
        (call $mvacc (local.get $z) (i32.add (local.get $hs) (local.get $prev)) (local.get $U) (local.get $R) (local.get $G) (local.get $G))
        (call $lstmStep (local.get $z) (i32.add (local.get $cs) (local.get $prev))
          (i32.add (i32.add (local.get $cs) (local.get $prev)) (local.get $ub))
          (i32.add (i32.add (local.get $acs) (local.get $prev)) (local.get $ub))
          (i32.add (i32.add (local.get $hs) (local.get $prev)) (local.get $ub)) (local.get $U))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $step))))

  ;; lstmBackward: backpropagation through time of the LSTM layer's steps T−1 … 0 in one call:
  ;; lstmBack at step t (dhs [T × U] the gradient from above, dhPrev and dc carried from step
  ;; t + 1, dzs [T × 4U] written), then dhPrev = R·dz_t (mvdot), as the layer did it per step.
  (func (export "lstmBackward")
    (param $zs i32) (param $cs i32) (param $acs i32) (param $dhs i32) (param $dhPrev i32) (param $dc i32)
    (param $dzs i32) (param $R i32) (param $T i32) (param $U i32)
    (local $t i32) (local $G i32) (local $gb i32) (local $ub i32) (local $row i32) (local $prev i32)
    (local.set $G (i32.shl (local.get $U) (i32.const 2)))
    (local.set $gb (i32.shl (local.get $G) (i32.const 2)))
    (local.set $ub (i32.shl (local.get $U) (i32.const 2)))
    (local.set $t (local.get $T))
    (block $done
      (loop $step
        (br_if $done (i32.eqz (local.get $t)))
        (local.set $t (i32.sub (local.get $t) (i32.const 1)))
        (local.set $row (i32.mul (local.get $t) (local.get $gb)))
        (local.set $prev (i32.mul (local.get $t) (local.get $ub)))
        (call $lstmBack (i32.add (local.get $zs) (local.get $row)) (i32.add (local.get $cs) (local.get $prev))
          (i32.add (i32.add (local.get $acs) (local.get $prev)) (local.get $ub)) (i32.add (local.get $dhs) (local.get $prev))
          (local.get $dhPrev) (local.get $dc) (i32.add (local.get $dzs) (local.get $row)) (local.get $U))
        (call $mvdot (local.get $dhPrev) (i32.add (local.get $dzs) (local.get $row)) (local.get $U) (local.get $R)
          (local.get $G) (local.get $G) (i32.const 0))
        (br $step))))
)
