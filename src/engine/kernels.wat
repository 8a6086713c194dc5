;; The engine's kernels in WebAssembly with 128-bit SIMD (two float64 lanes).
;; Source of src/engine/kernels.generated.ts (`npm run build:wasm` compiles this file with
;; wabt and writes the bytes there; a test checks the two agree). Pointers are byte offsets
;; into the imported shared memory; every array is float64; `stride` counts elements.
;; src/engine/heap.ts has the same two kernels in JavaScript (the fallback and the
;; reference the tests compare against).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; mvacc: out[j] += Σ_{k<rows} v[k] · M[k·stride + j]   for j < n
  ;; (a row vector times a matrix block, accumulated; rows with v[k] = 0 are skipped)
  (func (export "mvacc")
    (param $out i32) (param $v i32) (param $rows i32) (param $M i32) (param $stride i32) (param $n i32)
    (local $k i32) (local $j i32) (local $vs f64) (local $vk v128) (local $row i32)
    (local $rowBytes i32) (local $pairBytes i32) (local $nBytes i32) (local $p i32)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 3)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (local.set $row (local.get $M))
    (block $kDone
      (loop $kLoop
        (br_if $kDone (i32.ge_u (local.get $k) (local.get $rows)))
        (local.set $vs (f64.load (i32.add (local.get $v) (i32.shl (local.get $k) (i32.const 3)))))
        (if (f64.ne (local.get $vs) (f64.const 0))
          (then
            (local.set $vk (f64x2.splat (local.get $vs)))
            (local.set $j (i32.const 0))
            (block $jDone
              (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $pairBytes)))
                (local.set $p (i32.add (local.get $out) (local.get $j)))
                (v128.store (local.get $p)
                  (f64x2.add
                    (v128.load (local.get $p))
                    (f64x2.mul (local.get $vk) (v128.load (i32.add (local.get $row) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $jLoop)))
            (if (i32.lt_u (local.get $j) (local.get $nBytes))
              (then
                (local.set $p (i32.add (local.get $out) (local.get $j)))
                (f64.store (local.get $p)
                  (f64.add
                    (f64.load (local.get $p))
                    (f64.mul (local.get $vs) (f64.load (i32.add (local.get $row) (local.get $j))))))))))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kLoop))))

  ;; mvback: the backward of mvacc for a gradient d (n values):
  ;;   gM[k·stride + j] += v[k] · d[j]                    for k < rows, j < n
  ;;   s_k = Σ_j M[k·stride + j] · d[j];  mode 0: dv[k] = s_k,  1: dv[k] += s_k,  2: no dv
  (func (export "mvback")
    (param $d i32) (param $v i32) (param $rows i32) (param $M i32) (param $gM i32) (param $stride i32)
    (param $n i32) (param $dv i32) (param $mode i32)
    (local $k i32) (local $j i32) (local $vs f64) (local $vk v128) (local $dj v128) (local $acc v128)
    (local $s f64) (local $ds f64) (local $row i32) (local $grow i32) (local $rowBytes i32)
    (local $pairBytes i32) (local $nBytes i32) (local $p i32) (local $q i32)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 3)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (local.set $row (local.get $M))
    (local.set $grow (local.get $gM))
    (if (i32.eq (local.get $mode) (i32.const 2))
      (then
        ;; only gM += v ⊗ d (no dot products)
        (block $gDone
          (loop $gLoop
            (br_if $gDone (i32.ge_u (local.get $k) (local.get $rows)))
            (local.set $vs (f64.load (i32.add (local.get $v) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $vk (f64x2.splat (local.get $vs)))
            (local.set $j (i32.const 0))
            (block $gjDone
              (loop $gjLoop
                (br_if $gjDone (i32.ge_u (local.get $j) (local.get $pairBytes)))
                (local.set $p (i32.add (local.get $grow) (local.get $j)))
                (v128.store (local.get $p)
                  (f64x2.add (v128.load (local.get $p)) (f64x2.mul (local.get $vk) (v128.load (i32.add (local.get $d) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $gjLoop)))
            (if (i32.lt_u (local.get $j) (local.get $nBytes))
              (then
                (local.set $p (i32.add (local.get $grow) (local.get $j)))
                (f64.store (local.get $p)
                  (f64.add (f64.load (local.get $p)) (f64.mul (local.get $vs) (f64.load (i32.add (local.get $d) (local.get $j))))))))
            (local.set $grow (i32.add (local.get $grow) (local.get $rowBytes)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $gLoop)))
        (return)))
    (block $kDone
      (loop $kLoop
        (br_if $kDone (i32.ge_u (local.get $k) (local.get $rows)))
        (local.set $vs (f64.load (i32.add (local.get $v) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $vk (f64x2.splat (local.get $vs)))
        (local.set $acc (f64x2.splat (f64.const 0)))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $pairBytes)))
            (local.set $dj (v128.load (i32.add (local.get $d) (local.get $j))))
            (local.set $p (i32.add (local.get $grow) (local.get $j)))
            (v128.store (local.get $p)
              (f64x2.add (v128.load (local.get $p)) (f64x2.mul (local.get $vk) (local.get $dj))))
            (local.set $acc
              (f64x2.add (local.get $acc)
                (f64x2.mul (v128.load (i32.add (local.get $row) (local.get $j))) (local.get $dj))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $jLoop)))
        (local.set $s
          (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
        (if (i32.lt_u (local.get $j) (local.get $nBytes))
          (then
            (local.set $ds (f64.load (i32.add (local.get $d) (local.get $j))))
            (local.set $p (i32.add (local.get $grow) (local.get $j)))
            (f64.store (local.get $p)
              (f64.add (f64.load (local.get $p)) (f64.mul (local.get $vs) (local.get $ds))))
            (local.set $s
              (f64.add (local.get $s)
                (f64.mul (f64.load (i32.add (local.get $row) (local.get $j))) (local.get $ds))))))
        (local.set $q (i32.add (local.get $dv) (i32.shl (local.get $k) (i32.const 3))))
        (if (i32.eq (local.get $mode) (i32.const 0))
          (then (f64.store (local.get $q) (local.get $s))))
        (if (i32.eq (local.get $mode) (i32.const 1))
          (then (f64.store (local.get $q) (f64.add (f64.load (local.get $q)) (local.get $s)))))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (local.set $grow (i32.add (local.get $grow) (local.get $rowBytes)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kLoop))))

;; activate: dst[k] = sigmoid(src[k]) (kind 0) or tanh(src[k]) (kind 1), k < n; src may be dst.
  ;; Both go through e = expm1(a) with a = −x (sigmoid) or −2|x| (tanh):
  ;;   sigmoid(x) = 1 / (2 + e),   tanh|x| = −e / (2 + e), the sign of x restored.
  ;; expm1, inline: a clamped to [−708, 709] (NaN stays NaN); a = m·ln2 + r with |r| ≤ ln2/2;
  ;; q = e^r − 1 by its Taylor series to r^13/13! (Horner); e = 2^m·q + (2^m − 1), exact in 2^m
  ;; and without cancellation near 0. Two values per step; an odd last value uses one lane.
  (func (export "activate") (param $src i32) (param $dst i32) (param $n i32) (param $kind i32)
    (local $j i32) (local $x v128) (local $a v128) (local $m v128) (local $r v128) (local $p v128)
    (local $s v128) (local $e v128) (local $y v128) (local $tanh v128) (local $pair i32) (local $t v128)
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
        (local.set $p (f64x2.splat (f64.const 1.6059043836821613e-10)))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 2.08767569878681e-09))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 2.505210838544172e-08))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 2.755731922398589e-07))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 2.7557319223985893e-06))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 2.48015873015873e-05))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 1.984126984126984e-04))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 1.388888888888889e-03))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 8.333333333333333e-03))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 4.1666666666666664e-02))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 0.16666666666666666))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 0.5))))
        (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (f64x2.splat (f64.const 1))))
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
)
