import { seededRandom } from '../runtime/random';
import { DatasetUnavailableError, LoadedDataset, loadDataset, type LoadDatasetOptions } from './load';

/** The 14 numeric columns of the Jena climate file, in the file's order. */
export const JENA_COLUMNS = [
  'p (mbar)',
  'T (degC)',
  'Tpot (K)',
  'Tdew (degC)',
  'rh (%)',
  'VPmax (mbar)',
  'VPact (mbar)',
  'VPdef (mbar)',
  'sh (g/kg)',
  'H2OC (mmol/mol)',
  'rho (g/m**3)',
  'wv (m/s)',
  'max. wv (m/s)',
  'wd (deg)',
] as const;

function gaussian(rand: () => number): () => number {
  return () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

export interface JenaLikeOptions {
  /** Rows of 10 minutes; default 420,451 as the document's copy of the file. */
  rows?: number;
  seed?: number;
  /** First timestamp; default 2009-01-01 00:10 UTC as the real file. */
  start?: Date;
}

/** Rows of 10 minutes in a day. */
const STEPS_PER_DAY = 144;

/**
 * Saturation vapour pressure over water in mbar at `t` °C (Magnus, the constants the Jena file
 * itself follows: VPmax 0.95 mbar at −23.01 °C, 63.77 mbar at 37.28 °C).
 */
function magnus(t: number): number {
  return 6.1078 * Math.exp((17.27 * t) / (t + 237.3));
}

/** Inverse of `magnus`: the temperature (°C) whose saturation pressure is `e` mbar. */
function magnusInverse(e: number): number {
  const g = Math.log(e / 6.1078);
  return (237.3 * g) / (17.27 - g);
}

/**
 * `v` unchanged inside [lo + knee, hi − knee]; beyond, bent smoothly (tanh) so that it never
 * passes `lo` or `hi` (lo = −∞: an upper limit only): keeps the rare extremes of the sum of the processes inside the real
 * file's observed range instead of cutting them flat.
 */
function softLimit(v: number, lo: number, hi: number, knee: number): number {
  if (v > hi - knee) return hi - knee + knee * Math.tanh((v - hi + knee) / knee);
  if (v < lo + knee) return lo + knee - knee * Math.tanh((lo + knee - v) / knee);
  return v;
}

/**
 * The coldest temperature (°C) the stand-in allows at pressure `p` (mbar): −22.6 °C, and
 * warm enough that rho stays ≤ 1391 g/m³ and Tpot ≥ 251 K, inside the real file's range
 * (its coldest hours had no strong high over them: rho ≤ 1393.54, Tpot ≥ 250.85).
 */
function coldestAt(p: number): number {
  const byRho = (100 * p * 1000) / (287.05 * 1391) - 273.15;
  const byTpot = 251 * (p / 1000) ** 0.286 - 273.15;
  return Math.max(-22.6, byRho, byTpot);
}

/** The hottest temperature (°C) allowed at `p`: 37.2 °C and Tpot ≤ 311 K (real max 311.21). */
function hottestAt(p: number): number {
  return Math.min(37.2, 311 * (p / 1000) ** 0.286 - 273.15);
}

/**
 * The largest vapour pressure (mbar) allowed at `p`: VPact ≤ 27.9, sh ≤ 18 g/kg, H2OC ≤
 * 28.6 mmol/mol (real maxima 28.25, 18.07, 28.74).
 */
function moistestAt(p: number): number {
  return Math.min(27.9, (18 * p) / (622 + 0.378 * 18), 0.0286 * p);
}

/**
 * One unit-variance AR(1) (Ornstein–Uhlenbeck) step with time scale `tauSteps` rows:
 * x ← φ·x + √(1 − φ²)·z, φ = exp(−1/τ), so corr(x_t, x_{t+k}) = exp(−k/τ).
 */
function ar1(x: number, tauSteps: number, z: number): number {
  const phi = Math.exp(-1 / tauSteps);
  return phi * x + Math.sqrt(1 - phi * phi) * z;
}

/**
 * The weather systems of the stand-in. The synoptic anomaly x_syn has a time scale of 2.5 days,
 * and 70 % of its variance comes from the advection a (τ = 1 day: warm air arriving from the
 * south-west, cold air from the north-east), which also turns the wind (wd = 220° − 70°·a): the
 * wind direction now says which way the temperature goes in the next day, as at a real station.
 * That is what a network can learn beyond "tomorrow as today"; the white-noise part cannot be
 * forecast. σ_syn = 4.78 °C sets the common-sense baseline's MAE to the real file's 2.4–2.6 °C.
 */
const SYNOPTIC_TAU_DAYS = 2.5;
const ADVECTION_TAU_DAYS = 1;
const ADVECTION_SHARE = 0.7;
const SYNOPTIC_SD = 4.78;

/**
 * A unit-variance AR(1) with time scale `tauSteps` rows driven in part by `drive`, a unit AR(1)
 * with time scale `driveTauSteps` (the warm or cold advection of the moment). One step is
 *   x ← φ·x + c·drive + d·z,   φ = exp(−1/τ), ψ = exp(−1/τ_drive),
 *   c² = share·(1 − φ²)(1 − φψ)/(1 + φψ),   d² = (1 − share)·(1 − φ²),
 * so that var(x) = 1 and `share` of it comes from the drive (the drive's sum over the rows is
 * c²(1 + φψ)/((1 − φ²)(1 − φψ)) of variance); its stationary corr(x, drive) is ρ = c·ψ/(1 − φψ).
 * Unlike white noise, the drive persists: x has momentum, and the drive seen now tells where x
 * goes in the next hours. The coefficients are computed once, the step runs every row.
 */
function drivenAr1(tauSteps: number, driveTauSteps: number, share: number) {
  const phi = Math.exp(-1 / tauSteps);
  const psi = Math.exp(-1 / driveTauSteps);
  const c = Math.sqrt((share * (1 - phi * phi) * (1 - phi * psi)) / (1 + phi * psi));
  const d = Math.sqrt((1 - share) * (1 - phi * phi));
  return {
    correlation: (c * psi) / (1 - phi * psi),
    step: (x: number, drive: number, z: number) => phi * x + c * drive + d * z,
  };
}

/**
 * A generated stand-in with the shape of the Jena climate file (same 15 columns and units,
 * 10-minute rows from 2009-01-01 00:10) whose temperature is as hard to forecast 24 h ahead
 * as the real one. Seeded, pure arithmetic: same options → same values; it reads no file.
 *
 * Temperature (°C), per row t (s = season, −1 mid-January … +1 mid-July; h = hour):
 *   T = 9.4 + 9·s                                   yearly cycle (Jena: ≈0 °C Jan, ≈18 °C Jul)
 *     + (2 + 1.5·(s + 1))·f·(−cos 2π(h − 3)/24)     daily cycle, coldest 03:00, warmest 15:00;
 *                                                   half-range 2 °C in winter, 5 °C in summer,
 *                                                   times f = 1 + 0.6·tanh(sun) (0.4 … 1.6)
 *     + σ_syn(s)·x_syn + 1.6·x_slow + 0.1·noise     weather systems
 * with unit AR(1) processes x_syn (τ = 2.5 days: synoptic weather, 70 % of it driven by the
 * advection a, τ = 1 day, see SYNOPTIC_TAU_DAYS), x_slow (τ = 15 days) and sun (τ = 1.5 days,
 * partly the pressure anomaly: highs are sunny), σ_syn = 4.78·(1 − 0.25·s) (winters more
 * variable than summers, as in Central Europe).
 * Targets, on the real file at the document's settings (hourly, 5 days of history, target
 * 24 h later, 50/25/25 split): common-sense baseline MAE 2.44 °C (validation) and 2.62 °C
 * (test); T mean 9.45 °C, standard deviation 8.42 °C, range −22.76 … 37.28 °C (hourly rows).
 * Reached with seed 42: baseline 2.575 / 2.565 °C, T mean 9.52 °C, sd 8.38 °C
 * (bench/jena-standin.js); notebook 03 at the document's settings (one run, 2026-12-03): dense
 * 2.88 / 2.84 °C, worse than the baseline as in the document (2.65 / 2.82); LSTM 2.40 / 2.40 °C,
 * 6.8 % / 6.3 % better than the baseline (document 2.43 / 2.62, about the baseline's 2.44 / 2.62).
 *
 * Companions, consistent with T like the station's derived columns:
 * - p (mbar) = 989.8 + 8.6·x_p (τ = 3.5 days), the high side bent below 1015 (lows are deeper
 *   than highs are high, as in the real file: mean 989.2, sd 8.4, range 913.6 … 1015.35).
 * - Tdew: dew-point climate 5 + 6.5·s plus 0.7 of the weather anomaly, a humidity AR(1)
 *   (τ = 2 days) and cloudiness (cloudy → moister); never above T, kept at rh ≥ 14 % and
 *   VPdef ≤ 45.5 mbar (real: rh ≥ 13.88 %, VPdef ≤ 46.01).
 * - VPmax = magnus(T), VPact = magnus(Tdew), VPdef = VPmax − VPact, rh = 100·VPact/VPmax.
 * - Tpot = (T + 273.15)·(1000/p)^0.286 (dry adiabat; first real row: 265.4 K).
 * - sh = 622·VPact/(p − 0.378·VPact) g/kg; H2OC = 1000·VPact/p mmol/mol.
 * - rho = 100·p/(287.05·Tv)·1000 g/m³ with the virtual temperature Tv = (T + 273.15)/
 *   (1 − 0.378·VPact/p) (moist-air gas law; first real row: 1307.75 g/m³).
 * - wv = exp(ln 1.9 + 0.2·(−s) − 0.02·(p − 989.8) + 0.6·x_w) − 0.3 m/s (≥ 0) (x_w: τ = 12 h), stronger in
 *   winter and in lows; max. wv = wv·(1.5 + gust noise); wd = 220° − 70°·a (the advection:
 *   south-west brings warm air, north-east cold) plus minute-scale turbulence, wrapped to
 *   0 … 360° (prevailing south-west, as in Jena).
 * The real file's error code −9999 (a few wind rows) is not imitated.
 * Extremes: T is bent (tanh, `softLimit`) inside a pressure-dependent band (`coldestAt`,
 * `hottestAt`), the vapour pressure is capped (`moistestAt`), so that every column stays
 * inside the range the real file shows (hourly rows, as in the TensorFlow tutorial's table).
 */
export function generateJenaLike(options: JenaLikeOptions = {}): LoadedDataset {
  const rows = options.rows ?? 420451;
  if (!Number.isInteger(rows) || rows <= 0)
    throw new Error(`rows: ${rows} is not a positive integer; use e.g. 420451.`);
  const start = (options.start ?? new Date(Date.UTC(2009, 0, 1, 0, 10))).getTime();
  const seed = options.seed ?? 42;
  const rand = seededRandom(seed);
  const randn = gaussian(rand);
  const cols: Record<string, Float64Array> = {};
  for (const c of JENA_COLUMNS) cols[c] = new Float64Array(rows);
  const dates = new Array<Date>(rows);
  const day = STEPS_PER_DAY;
  // Unit-variance AR(1) states, started from their stationary distribution.
  const synoptic = drivenAr1(SYNOPTIC_TAU_DAYS * day, ADVECTION_TAU_DAYS * day, ADVECTION_SHARE);
  const rho = synoptic.correlation;
  let adv = randn();
  let syn = rho * adv + Math.sqrt(1 - rho * rho) * randn();
  let slow = randn();
  let sunOwn = randn();
  let press = randn();
  let humid = randn();
  let windX = randn();
  const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  for (let i = 0; i < rows; i++) {
    const time = start + i * 600_000;
    dates[i] = new Date(time);
    const dayOfYear = (time / 86_400_000) % 365.25;
    const hour = (time / 3_600_000) % 24;
    const season = -Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25); // -1 mid-January, +1 mid-July
    adv = ar1(adv, ADVECTION_TAU_DAYS * day, randn());
    syn = synoptic.step(syn, adv, randn());
    slow = ar1(slow, 15 * day, randn());
    press = ar1(press, 3.5 * day, randn());
    sunOwn = ar1(sunOwn, 1.5 * day, randn());
    humid = ar1(humid, 2 * day, randn());
    windX = ar1(windX, 0.5 * day, randn());
    const sun = 0.5 * press + 0.87 * sunOwn; // unit variance; highs are sunnier
    const cloudFactor = 1 + 0.6 * Math.tanh(sun);
    const daily = -Math.cos((2 * Math.PI * (hour - 3)) / 24);
    const anomaly = SYNOPTIC_SD * (1 - 0.25 * season) * syn + 1.6 * slow;
    const Traw = 9.4 + 9 * season + (2 + 1.5 * (season + 1)) * cloudFactor * daily + anomaly + 0.1 * randn();
    const p = softLimit(989.8 + 8.6 * press, 914, 1015.2, 8);
    const T = softLimit(Traw, coldestAt(p), hottestAt(p), 3);
    const dewFree = 5 + 6.5 * season + 0.7 * anomaly + 2 * humid - 1.5 * Math.tanh(sun);
    const vpMax = magnus(T);
    const vpAct = Math.min(
      Math.max(0.14 * vpMax, vpMax - 45.5, magnus(Math.min(softLimit(dewFree, -24.3, 23, 2), T))),
      moistestAt(p),
    );
    const Tdew = magnusInverse(vpAct);
    const TK = T + 273.15;
    const Tv = TK / (1 - (0.378 * vpAct) / p);
    const calm = Math.exp(Math.log(1.9) - 0.2 * season - 0.02 * (p - 989.8) + 0.6 * windX) - 0.3;
    const wind = Math.max(0, softLimit(calm, Number.NEGATIVE_INFINITY, 13, 3));
    const gust = softLimit(wind * (1.5 + 0.25 * Math.abs(randn())), Number.NEGATIVE_INFINITY, 23, 4);
    const dir = (((220 - 70 * adv + 15 * randn()) % 360) + 360) % 360;
    cols['p (mbar)'][i] = round(p, 2);
    cols['T (degC)'][i] = round(T, 2);
    cols['Tpot (K)'][i] = round(TK * (1000 / p) ** 0.286, 2);
    cols['Tdew (degC)'][i] = round(Tdew, 2);
    cols['rh (%)'][i] = round((100 * vpAct) / vpMax, 1);
    cols['VPmax (mbar)'][i] = round(vpMax, 2);
    cols['VPact (mbar)'][i] = round(vpAct, 2);
    cols['VPdef (mbar)'][i] = round(vpMax - vpAct, 2);
    cols['sh (g/kg)'][i] = round((622 * vpAct) / (p - 0.378 * vpAct), 2);
    cols['H2OC (mmol/mol)'][i] = round((1000 * vpAct) / p, 2);
    cols['rho (g/m**3)'][i] = round((100 * p * 1000) / (287.05 * Tv), 2);
    cols['wv (m/s)'][i] = round(wind, 2);
    cols['max. wv (m/s)'][i] = round(gust, 2);
    cols['wd (deg)'][i] = round(dir, 1);
  }
  return new LoadedDataset(
    'jena',
    dates,
    cols,
    'generated',
    undefined,
    [`datos generados (sustituto del fichero de Jena), semilla ${seed}`],
    'Date Time',
  );
}

/** Banner printed when the stand-in is used instead of the real file. */
export const JENA_STAND_IN_BANNER =
  '⚠ DATOS GENERADOS: no se encontró jena_climate_2009_2016.csv (ni en RNN_DATA_DIR ni en la caché, y no se pudo descargar). ' +
  'Se usa una serie sintética con la forma del fichero de Jena y su dificultad (la referencia de sentido común ' +
  'a 24 h se equivoca ≈ 2,5 °C, como en el real), pero los números NO son comparables con los del documento.';

/**
 * The Jena climate data: the real file when it can be found or downloaded (see
 * `loadDataset`), else the generated stand-in — and then a banner says so, never silently.
 * Only a missing file (none locally, download disabled or failed) falls back: a local file
 * that is present but damaged or truncated, or a misnamed data folder, is an error naming it.
 */
export async function loadJena(options: LoadDatasetOptions & JenaLikeOptions = {}): Promise<LoadedDataset> {
  try {
    return await loadDataset('jena', options);
  } catch (err) {
    if (!(err instanceof DatasetUnavailableError)) throw err;
    console.log(JENA_STAND_IN_BANNER);
    console.log(`  (motivo: ${err.message.split('\n')[0]})`);
    return generateJenaLike(options);
  }
}
