;; The engine's kernels in WebAssembly with 128-bit SIMD (two float64 lanes).
;; Source of src/engine/kernels.generated.ts (`npm run build:wasm` compiles this file with
;; wabt and writes the bytes there; a test checks the two agree). Pointers are byte offsets
;; into the imported shared memory; every array is float64; `stride` counts elements.
;; src/engine/heap.ts has the same kernels in JavaScript (the fallback and the
;; reference the tests compare against).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; mvacc: out[j] += Σ_{k<rows} v[k] · M[k·stride + j]   for j < n
  ;; (a row vector times a matrix block, accumulated; rows with v[k] = 0 are skipped). Columns
  ;; in blocks of 16 kept in eight registers over all rows (out is read and written once),
  ;; then blocks of 2, then a last odd column. Each column sums its rows in order.
  (func $mvacc (export "mvacc")
    (param $out i32) (param $v i32) (param $rows i32) (param $M i32) (param $stride i32) (param $n i32)
    (local $j i32) (local $vp i32) (local $vEnd i32) (local $row i32) (local $p i32) (local $vs f64) (local $vk v128)
    (local $rowBytes i32) (local $nBytes i32) (local $s f64)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 3)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $vEnd (i32.add (local.get $v) (i32.shl (local.get $rows) (i32.const 3))))
    (block $b16Done
      (loop $b16
        (br_if $b16Done (i32.gt_u (i32.add (local.get $j) (i32.const 128)) (local.get $nBytes)))
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
            (local.set $vs (f64.load (local.get $vp)))
            (if (f64.ne (local.get $vs) (f64.const 0))
              (then
                (local.set $vk (f64x2.splat (local.get $vs)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $vk) (v128.load offset=0 (local.get $row)))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $vk) (v128.load offset=16 (local.get $row)))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $vk) (v128.load offset=32 (local.get $row)))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $vk) (v128.load offset=48 (local.get $row)))))
                (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $vk) (v128.load offset=64 (local.get $row)))))
                (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (local.get $vk) (v128.load offset=80 (local.get $row)))))
                (local.set $a6 (f64x2.add (local.get $a6) (f64x2.mul (local.get $vk) (v128.load offset=96 (local.get $row)))))
                (local.set $a7 (f64x2.add (local.get $a7) (f64x2.mul (local.get $vk) (v128.load offset=112 (local.get $row)))))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 8)))
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
        (br $b16)))
    (block $b2Done
      (loop $b2
        (br_if $b2Done (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $nBytes)))
        (local.set $p (i32.add (local.get $out) (local.get $j)))
        (local.set $a0 (v128.load (local.get $p)))
        (local.set $row (i32.add (local.get $M) (local.get $j)))
        (local.set $vp (local.get $v))
        (block $kDone
          (loop $k
            (br_if $kDone (i32.ge_u (local.get $vp) (local.get $vEnd)))
            (local.set $vs (f64.load (local.get $vp)))
            (if (f64.ne (local.get $vs) (f64.const 0))
              (then
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (f64x2.splat (local.get $vs)) (v128.load (local.get $row)))))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 8)))
            (br $k)))
        (v128.store (local.get $p) (local.get $a0))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $b2)))
    (if (i32.lt_u (local.get $j) (local.get $nBytes))
      (then
        (local.set $p (i32.add (local.get $out) (local.get $j)))
        (local.set $s (f64.load (local.get $p)))
        (local.set $row (i32.add (local.get $M) (local.get $j)))
        (local.set $vp (local.get $v))
        (block $kDone
          (loop $k
            (br_if $kDone (i32.ge_u (local.get $vp) (local.get $vEnd)))
            (local.set $vs (f64.load (local.get $vp)))
            (if (f64.ne (local.get $vs) (f64.const 0))
              (then (local.set $s (f64.add (local.get $s) (f64.mul (local.get $vs) (f64.load (local.get $row)))))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 8)))
            (br $k)))
        (f64.store (local.get $p) (local.get $s)))))

  ;; mtacc: gM[k·gStride + j] += Σ_{t<T} V[t·vStride + k] · D[t·dStride + j]   for k < rows, j < n
  ;; (the weight gradient of a product over a whole sequence: Vᵀ·D added to gM). Columns in
  ;; blocks of 16 kept in eight registers over all steps (the block of D stays in the L1
  ;; cache over the rows), then blocks of 2, then a last odd column; steps summed in order.
  (func (export "mtacc")
    (param $gM i32) (param $gStride i32) (param $V i32) (param $vStride i32) (param $rows i32)
    (param $D i32) (param $dStride i32) (param $n i32) (param $T i32)
    (local $j i32) (local $k i32) (local $t i32) (local $vp i32) (local $dp i32) (local $p i32) (local $vk v128)
    (local $gBytes i32) (local $vBytes i32) (local $dBytes i32) (local $nBytes i32) (local $s f64)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $gBytes (i32.shl (local.get $gStride) (i32.const 3)))
    (local.set $vBytes (i32.shl (local.get $vStride) (i32.const 3)))
    (local.set $dBytes (i32.shl (local.get $dStride) (i32.const 3)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 3)))
    (block $b16Done
      (loop $b16
        (br_if $b16Done (i32.gt_u (i32.add (local.get $j) (i32.const 128)) (local.get $nBytes)))
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
            (local.set $vp (i32.add (local.get $V) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $dp (i32.add (local.get $D) (local.get $j)))
            (local.set $t (local.get $T))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.eqz (local.get $t)))
                (local.set $vk (v128.load64_splat (local.get $vp)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $vk) (v128.load offset=0 (local.get $dp)))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $vk) (v128.load offset=16 (local.get $dp)))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $vk) (v128.load offset=32 (local.get $dp)))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $vk) (v128.load offset=48 (local.get $dp)))))
                (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $vk) (v128.load offset=64 (local.get $dp)))))
                (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (local.get $vk) (v128.load offset=80 (local.get $dp)))))
                (local.set $a6 (f64x2.add (local.get $a6) (f64x2.mul (local.get $vk) (v128.load offset=96 (local.get $dp)))))
                (local.set $a7 (f64x2.add (local.get $a7) (f64x2.mul (local.get $vk) (v128.load offset=112 (local.get $dp)))))
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
        (br $b16)))
    (block $b2Done
      (loop $b2
        (br_if $b2Done (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $nBytes)))
        (local.set $k (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $rows)))
            (local.set $p (i32.add (i32.add (local.get $gM) (i32.mul (local.get $k) (local.get $gBytes))) (local.get $j)))
            (local.set $a0 (v128.load (local.get $p)))
            (local.set $vp (i32.add (local.get $V) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $dp (i32.add (local.get $D) (local.get $j)))
            (local.set $t (local.get $T))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.eqz (local.get $t)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load64_splat (local.get $vp)) (v128.load (local.get $dp)))))
                (local.set $vp (i32.add (local.get $vp) (local.get $vBytes)))
                (local.set $dp (i32.add (local.get $dp) (local.get $dBytes)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br $tLoop)))
            (v128.store (local.get $p) (local.get $a0))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rowLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $b2)))
    (if (i32.lt_u (local.get $j) (local.get $nBytes))
      (then
        (local.set $k (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $rows)))
            (local.set $p (i32.add (i32.add (local.get $gM) (i32.mul (local.get $k) (local.get $gBytes))) (local.get $j)))
            (local.set $s (f64.load (local.get $p)))
            (local.set $vp (i32.add (local.get $V) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $dp (i32.add (local.get $D) (local.get $j)))
            (local.set $t (local.get $T))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.eqz (local.get $t)))
                (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $vp)) (f64.load (local.get $dp)))))
                (local.set $vp (i32.add (local.get $vp) (local.get $vBytes)))
                (local.set $dp (i32.add (local.get $dp) (local.get $dBytes)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br $tLoop)))
            (f64.store (local.get $p) (local.get $s))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rowLoop))))))

  ;; mvdot: s_k = Σ_{j<n} M[k·stride + j] · d[j] for k < rows (the backward of mvacc w.r.t. v);
  ;; accumulate 0: dv[k] = s_k, else dv[k] += s_k. Four rows at a time (each loaded pair of d
  ;; used four times); each s_k sums the even and the odd columns in two lanes, adds the two,
  ;; then a last odd column.
  (func $mvdot (export "mvdot")
    (param $dv i32) (param $d i32) (param $rows i32) (param $M i32) (param $stride i32) (param $n i32) (param $accumulate i32)
    (local $k i32) (local $j i32) (local $r0 i32) (local $rowBytes i32) (local $pairBytes i32) (local $nBytes i32)
    (local $dj v128) (local $q i32) (local $s f64)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 3)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (block $b4Done
      (loop $b4
        (br_if $b4Done (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $rows)))
        (local.set $r0 (i32.add (local.get $M) (i32.mul (local.get $k) (local.get $rowBytes))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $pairBytes)))
            (local.set $dj (v128.load (i32.add (local.get $d) (local.get $j))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 0))) (local.get $j))) (local.get $dj))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 1))) (local.get $j))) (local.get $dj))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 2))) (local.get $j))) (local.get $dj))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $j))) (local.get $dj))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $jLoop)))
        ;; the four sums (and a last odd column), stored or added into dv
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
        (if (i32.lt_u (local.get $pairBytes) (local.get $nBytes))
          (then (local.set $s (f64.add (local.get $s)
            (f64.mul (f64.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 0))) (local.get $pairBytes)))
                     (f64.load (i32.add (local.get $d) (local.get $pairBytes))))))))
        (local.set $q (i32.add (local.get $dv) (i32.shl (i32.add (local.get $k) (i32.const 0)) (i32.const 3))))
        (if (local.get $accumulate)
          (then (local.set $s (f64.add (f64.load (local.get $q)) (local.get $s)))))
        (f64.store (local.get $q) (local.get $s))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
        (if (i32.lt_u (local.get $pairBytes) (local.get $nBytes))
          (then (local.set $s (f64.add (local.get $s)
            (f64.mul (f64.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 1))) (local.get $pairBytes)))
                     (f64.load (i32.add (local.get $d) (local.get $pairBytes))))))))
        (local.set $q (i32.add (local.get $dv) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 3))))
        (if (local.get $accumulate)
          (then (local.set $s (f64.add (f64.load (local.get $q)) (local.get $s)))))
        (f64.store (local.get $q) (local.get $s))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
        (if (i32.lt_u (local.get $pairBytes) (local.get $nBytes))
          (then (local.set $s (f64.add (local.get $s)
            (f64.mul (f64.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 2))) (local.get $pairBytes)))
                     (f64.load (i32.add (local.get $d) (local.get $pairBytes))))))))
        (local.set $q (i32.add (local.get $dv) (i32.shl (i32.add (local.get $k) (i32.const 2)) (i32.const 3))))
        (if (local.get $accumulate)
          (then (local.set $s (f64.add (f64.load (local.get $q)) (local.get $s)))))
        (f64.store (local.get $q) (local.get $s))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3))))
        (if (i32.lt_u (local.get $pairBytes) (local.get $nBytes))
          (then (local.set $s (f64.add (local.get $s)
            (f64.mul (f64.load (i32.add (i32.add (local.get $r0) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $pairBytes)))
                     (f64.load (i32.add (local.get $d) (local.get $pairBytes))))))))
        (local.set $q (i32.add (local.get $dv) (i32.shl (i32.add (local.get $k) (i32.const 3)) (i32.const 3))))
        (if (local.get $accumulate)
          (then (local.set $s (f64.add (f64.load (local.get $q)) (local.get $s)))))
        (f64.store (local.get $q) (local.get $s))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $b4)))
    (block $b1Done
      (loop $b1
        (br_if $b1Done (i32.ge_u (local.get $k) (local.get $rows)))
        (local.set $r0 (i32.add (local.get $M) (i32.mul (local.get $k) (local.get $rowBytes))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $pairBytes)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (i32.add (local.get $r0) (local.get $j))) (v128.load (i32.add (local.get $d) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $jLoop)))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
        (if (i32.lt_u (local.get $pairBytes) (local.get $nBytes))
          (then (local.set $s (f64.add (local.get $s)
            (f64.mul (f64.load (i32.add (local.get $r0) (local.get $pairBytes))) (f64.load (i32.add (local.get $d) (local.get $pairBytes))))))))
        (local.set $q (i32.add (local.get $dv) (i32.shl (local.get $k) (i32.const 3))))
        (if (local.get $accumulate)
          (then (local.set $s (f64.add (f64.load (local.get $q)) (local.get $s)))))
        (f64.store (local.get $q) (local.get $s))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $b1))))

  ;; activate: dst[k] = sigmoid(src[k]) (kind 0) or tanh(src[k]) (kind 1), k < n; src may be dst.
  ;; Both go through e = expm1(a) with a = −x (sigmoid) or −2|x| (tanh):
  ;;   sigmoid(x) = 1 / (2 + e),   tanh|x| = −e / (2 + e), the sign of x restored.
  ;; expm1, inline: a clamped to [−708, 709] (NaN stays NaN); a = m·ln2 + r with |r| ≤ ln2/2;
  ;; q = e^r − 1 by its Taylor series to r^13/13!; e = 2^m·q + (2^m − 1), exact in 2^m
  ;; and without cancellation near 0. Two values per step; an odd last value uses one lane.
  (func $activate (export "activate") (param $src i32) (param $dst i32) (param $n i32) (param $kind i32)
    (local $j i32) (local $x v128) (local $a v128) (local $m v128) (local $r v128) (local $p v128)
    (local $s v128) (local $e v128) (local $y v128) (local $tanh v128) (local $pair i32) (local $t v128)
    (local $r2 v128) (local $r4 v128) (local $q0 v128) (local $q1 v128) (local $q2 v128)
    (local.set $tanh (i8x16.splat (i32.sub (i32.const 0) (i32.ne (local.get $kind) (i32.const 0)))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $pair (i32.lt_u (i32.add (local.get $j) (i32.const 1)) (local.get $n)))
        (if (local.get $pair)
          (then (local.set $x (v128.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 3))))))
          (else (local.set $x (v128.load64_splat (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $a (v128.bitselect
          (f64x2.mul (f64x2.abs (local.get $x)) (f64x2.splat (f64.const -2)))
          (f64x2.neg (local.get $x))
          (local.get $tanh)))
        ;; pmin/pmax (one instruction each) keep a NaN in their first operand
        (local.set $a (f64x2.pmax (f64x2.pmin (local.get $a) (f64x2.splat (f64.const 709))) (f64x2.splat (f64.const -708))))
        ;; m = round(a / ln2) by adding 1.5·2^52: the low bits of t then hold m as an integer
        (local.set $t (f64x2.add (f64x2.mul (local.get $a) (f64x2.splat (f64.const 1.4426950408889634))) (f64x2.splat (f64.const 6755399441055744))))
        (local.set $m (f64x2.sub (local.get $t) (f64x2.splat (f64.const 6755399441055744))))
        (local.set $r (f64x2.sub (local.get $a) (f64x2.mul (local.get $m) (f64x2.splat (f64.const 0.6931471803691238)))))
        (local.set $r (f64x2.sub (local.get $r) (f64x2.mul (local.get $m) (f64x2.splat (f64.const 1.9082149292705877e-10)))))
        ;; q(r) = Σ_{i≤12} r^i/(i+1)! by Estrin's scheme (pairs, then r², r⁴, r⁸): a short chain of
        ;; dependent operations, so consecutive values overlap in the processor
        (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
        (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
        (local.set $q0 (f64x2.add (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $r))) (f64x2.mul (f64x2.add (f64x2.splat (f64.const 0.16666666666666666)) (f64x2.mul (f64x2.splat (f64.const 4.1666666666666664e-02)) (local.get $r))) (local.get $r2))))
        (local.set $q1 (f64x2.add (f64x2.add (f64x2.splat (f64.const 8.333333333333333e-03)) (f64x2.mul (f64x2.splat (f64.const 1.388888888888889e-03)) (local.get $r))) (f64x2.mul (f64x2.add (f64x2.splat (f64.const 1.984126984126984e-04)) (f64x2.mul (f64x2.splat (f64.const 2.48015873015873e-05)) (local.get $r))) (local.get $r2))))
        (local.set $q2 (f64x2.add (f64x2.add (f64x2.splat (f64.const 2.7557319223985893e-06)) (f64x2.mul (f64x2.splat (f64.const 2.755731922398589e-07)) (local.get $r))) (f64x2.mul (f64x2.add (f64x2.splat (f64.const 2.505210838544172e-08)) (f64x2.mul (f64x2.splat (f64.const 2.08767569878681e-09)) (local.get $r))) (local.get $r2))))
        (local.set $q2 (f64x2.add (local.get $q2) (f64x2.mul (f64x2.splat (f64.const 1.6059043836821613e-10)) (local.get $r4))))
        (local.set $p (f64x2.add (f64x2.add (local.get $q0) (f64x2.mul (local.get $q1) (local.get $r4)))
          (f64x2.mul (local.get $q2) (f64x2.mul (local.get $r4) (local.get $r4)))))
        (local.set $p (f64x2.mul (local.get $p) (local.get $r)))
        ;; 2^m: (m + 1023) into the exponent field (the shift drops t's own exponent bits)
        (local.set $s (i64x2.shl (i64x2.add (local.get $t) (i64x2.splat (i64.const 1023))) (i32.const 52)))
        (local.set $e (f64x2.add (f64x2.mul (local.get $s) (local.get $p)) (f64x2.sub (local.get $s) (f64x2.splat (f64.const 1)))))
        ;; y = (tanh ? −e : 1) / (2 + e), then tanh's sign
        (local.set $y (f64x2.div
          (v128.bitselect (f64x2.sub (f64x2.splat (f64.const 0)) (local.get $e)) (f64x2.splat (f64.const 1)) (local.get $tanh))
          (f64x2.add (f64x2.splat (f64.const 2)) (local.get $e))))
        (local.set $y (v128.bitselect (f64x2.neg (local.get $y)) (local.get $y)
          (v128.and (local.get $tanh) (f64x2.lt (local.get $x) (f64x2.splat (f64.const 0))))))
        (if (local.get $pair)
          (then (v128.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 3))) (local.get $y)))
          (else (v128.store64_lane 0 (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 3))) (local.get $y))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $l))))

  ;; lstmStep: one step of the LSTM cell with sigmoid gates and tanh (tfjs's defaults), U units.
  ;; g holds the step's pre-activations [i f c̃ o] (4U values), activated in place; then
  ;;   c = f·cPrev + i·c̃,  ac = tanh(c),  h = o·ac   (written to c, ac, h).
  ;; Two values at a time; for an odd U the last pair's second lane is read (arrays are padded
  ;; to pairs, so it exists) but never written ($mask keeps what is there).
  (func $lstmStep (export "lstmStep") (param $g i32) (param $cPrev i32) (param $c i32) (param $ac i32) (param $h i32) (param $U i32)
    (local $j i32) (local $ub i32) (local $pg i32) (local $off i32) (local $mask v128) (local $p i32)
    (local.set $ub (i32.shl (local.get $U) (i32.const 3)))
    (call $activate (local.get $g) (local.get $g) (i32.shl (local.get $U) (i32.const 1)) (i32.const 0))
    (call $activate (i32.add (local.get $g) (i32.shl (local.get $ub) (i32.const 1))) (i32.add (local.get $g) (i32.shl (local.get $ub) (i32.const 1))) (local.get $U) (i32.const 1))
    (call $activate (i32.add (local.get $g) (i32.mul (local.get $ub) (i32.const 3))) (i32.add (local.get $g) (i32.mul (local.get $ub) (i32.const 3))) (local.get $U) (i32.const 0))
    ;; c = f·cPrev + i·c̃
    (local.set $mask (v128.const i64x2 -1 -1))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $j) (local.get $U)))
        (if (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $U)) (then (local.set $mask (v128.const i64x2 -1 0))))
        (local.set $off (i32.shl (local.get $j) (i32.const 3)))
        (local.set $pg (i32.add (local.get $g) (local.get $off)))
        (local.set $p (i32.add (local.get $c) (local.get $off)))
        (v128.store (local.get $p) (v128.bitselect (f64x2.add
          (f64x2.mul (v128.load (i32.add (local.get $pg) (local.get $ub))) (v128.load (i32.add (local.get $cPrev) (local.get $off))))
          (f64x2.mul (v128.load (local.get $pg)) (v128.load (i32.add (local.get $pg) (i32.shl (local.get $ub) (i32.const 1)))))) (v128.load (local.get $p)) (local.get $mask)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $l)))
    (call $activate (local.get $c) (local.get $ac) (local.get $U) (i32.const 1))
    ;; h = o·ac
    (local.set $j (i32.const 0))
    (local.set $mask (v128.const i64x2 -1 -1))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $j) (local.get $U)))
        (if (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $U)) (then (local.set $mask (v128.const i64x2 -1 0))))
        (local.set $off (i32.shl (local.get $j) (i32.const 3)))
        (local.set $p (i32.add (local.get $h) (local.get $off)))
        (v128.store (local.get $p) (v128.bitselect (f64x2.mul
          (v128.load (i32.add (i32.add (local.get $g) (i32.mul (local.get $ub) (i32.const 3))) (local.get $off)))
          (v128.load (i32.add (local.get $ac) (local.get $off)))) (v128.load (local.get $p)) (local.get $mask)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $l))))

  ;; lstmBack: the backward of lstmStep at one step. g: the activated gates [i f c̃ o];
  ;; cPrev: c_{t−1}; ac: tanh(c_t); dh = dhs + dhPrev (gradient w.r.t. h_t); dc: gradient
  ;; w.r.t. c_t from the later steps, replaced by the one w.r.t. c_{t−1}. Writes dz [4U]:
  ;;   dcTot = dc + dh·o·(1 − ac²);  dz_i = dcTot·c̃·i(1 − i),  dz_f = dcTot·cPrev·f(1 − f),
  ;;   dz_c̃ = dcTot·i·(1 − c̃²),  dz_o = dh·ac·o(1 − o);  dc ← dcTot·f.
  (func $lstmBack (export "lstmBack") (param $g i32) (param $cPrev i32) (param $ac i32) (param $dhs i32) (param $dhPrev i32)
    (param $dc i32) (param $dz i32) (param $U i32)
    (local $j i32) (local $off i32) (local $ub i32) (local $pg i32) (local $pd i32)
    (local $i v128) (local $f v128) (local $cc v128) (local $o v128) (local $a v128) (local $dh v128) (local $dt v128)
    (local $one v128) (local $mask v128) (local $q i32)
    (local.set $ub (i32.shl (local.get $U) (i32.const 3)))
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $mask (v128.const i64x2 -1 -1))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $j) (local.get $U)))
        (if (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $U)) (then (local.set $mask (v128.const i64x2 -1 0))))
        (local.set $off (i32.shl (local.get $j) (i32.const 3)))
        (local.set $pg (i32.add (local.get $g) (local.get $off)))
        (local.set $pd (i32.add (local.get $dz) (local.get $off)))
        (local.set $i (v128.load (local.get $pg)))
        (local.set $f (v128.load (i32.add (local.get $pg) (local.get $ub))))
        (local.set $cc (v128.load (i32.add (local.get $pg) (i32.shl (local.get $ub) (i32.const 1)))))
        (local.set $o (v128.load (i32.add (local.get $pg) (i32.mul (local.get $ub) (i32.const 3)))))
        (local.set $a (v128.load (i32.add (local.get $ac) (local.get $off))))
        (local.set $dh (f64x2.add
          (v128.load (i32.add (local.get $dhs) (local.get $off)))
          (v128.load (i32.add (local.get $dhPrev) (local.get $off)))))
        (local.set $dt (f64x2.add (v128.load (i32.add (local.get $dc) (local.get $off)))
          (f64x2.mul (f64x2.mul (local.get $dh) (local.get $o)) (f64x2.sub (local.get $one) (f64x2.mul (local.get $a) (local.get $a))))))
        (local.set $q (i32.add (local.get $pd) (i32.mul (local.get $ub) (i32.const 3))))
        (v128.store (local.get $q) (v128.bitselect
          (f64x2.mul (f64x2.mul (local.get $dh) (local.get $a)) (f64x2.mul (local.get $o) (f64x2.sub (local.get $one) (local.get $o))))
          (v128.load (local.get $q)) (local.get $mask)))
        (local.set $q (local.get $pd))
        (v128.store (local.get $q) (v128.bitselect
          (f64x2.mul (f64x2.mul (local.get $dt) (local.get $cc)) (f64x2.mul (local.get $i) (f64x2.sub (local.get $one) (local.get $i))))
          (v128.load (local.get $q)) (local.get $mask)))
        (local.set $q (i32.add (local.get $pd) (local.get $ub)))
        (v128.store (local.get $q) (v128.bitselect
          (f64x2.mul (f64x2.mul (local.get $dt) (v128.load (i32.add (local.get $cPrev) (local.get $off)))) (f64x2.mul (local.get $f) (f64x2.sub (local.get $one) (local.get $f))))
          (v128.load (local.get $q)) (local.get $mask)))
        (local.set $q (i32.add (local.get $pd) (i32.shl (local.get $ub) (i32.const 1))))
        (v128.store (local.get $q) (v128.bitselect
          (f64x2.mul (f64x2.mul (local.get $dt) (local.get $i)) (f64x2.sub (local.get $one) (f64x2.mul (local.get $cc) (local.get $cc))))
          (v128.load (local.get $q)) (local.get $mask)))
        (local.set $q (i32.add (local.get $dc) (local.get $off)))
        (v128.store (local.get $q) (v128.bitselect
          (f64x2.mul (local.get $dt) (local.get $f))
          (v128.load (local.get $q)) (local.get $mask)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
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
    (local.set $gb (i32.shl (local.get $G) (i32.const 3)))
    (local.set $ub (i32.shl (local.get $U) (i32.const 3)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $t) (local.get $T)))
        (local.set $z (i32.add (local.get $zs) (i32.mul (local.get $t) (local.get $gb))))
        (local.set $prev (i32.mul (local.get $t) (local.get $ub)))
        (memory.copy (local.get $z) (local.get $bias) (local.get $gb))
        (call $mvacc (local.get $z) (i32.add (local.get $x) (i32.shl (i32.mul (local.get $t) (local.get $I)) (i32.const 3)))
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
    (local.set $gb (i32.shl (local.get $G) (i32.const 3)))
    (local.set $ub (i32.shl (local.get $U) (i32.const 3)))
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
