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
  /** Rows of 10 minutes; default 420,451 as the real file. */
  rows?: number;
  seed?: number;
  /** First timestamp; default 2009-01-01 00:10 UTC as the real file. */
  start?: Date;
}

/**
 * A generated stand-in with the shape of the Jena climate file (same 15 columns, 10-minute
 * steps): yearly and daily temperature cycles, slow weather anomalies (AR(1)), and the
 * humidity, vapour-pressure, density and wind columns derived from them with the usual
 * physical formulas (Magnus for saturation pressure). Seeded: same seed → same values.
 * It exercises the pipeline; its numbers are NOT comparable with the document's.
 */
export function generateJenaLike(options: JenaLikeOptions = {}): LoadedDataset {
  const rows = options.rows ?? 420451;
  if (!Number.isInteger(rows) || rows <= 0)
    throw new Error(`rows: ${rows} is not a positive integer; use e.g. 420451.`);
  const start = (options.start ?? new Date(Date.UTC(2009, 0, 1, 0, 10))).getTime();
  const rand = seededRandom(options.seed ?? 42);
  const randn = gaussian(rand);
  const cols: Record<string, Float64Array> = {};
  for (const c of JENA_COLUMNS) cols[c] = new Float64Array(rows);
  const dates = new Array<Date>(rows);
  let weather = 0; // °C anomaly, persistent over days
  let press = 0;
  let humid = 0;
  let wind = 1.5;
  let dir = 180;
  const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  for (let i = 0; i < rows; i++) {
    const time = start + i * 600_000;
    dates[i] = new Date(time);
    const dayOfYear = (time / 86_400_000) % 365.25;
    const hour = (time / 3_600_000) % 24;
    const season = -Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25); // -1 in January, +1 in July
    weather = 0.9995 * weather + 0.09 * randn();
    press = 0.999 * press + 0.12 * randn();
    humid = 0.998 * humid + 0.4 * randn();
    wind = Math.max(0, 0.99 * wind + 0.01 * 2 + 0.15 * randn());
    dir = (dir + 8 * randn() + 360) % 360;
    const daily = -Math.cos((2 * Math.PI * (hour - 3)) / 24); // coldest ~03:00, warmest ~15:00
    const T = 9.5 + 9.5 * season + (3 + 2.5 * (season + 1)) * daily + weather + 0.15 * randn();
    const p = 989 + (8 * press) / 3 + 0.1 * randn();
    const rh = Math.min(100, Math.max(15, 76 - 12 * daily - 6 * season + humid * 2));
    const vpMax = 6.1078 * Math.exp((17.27 * T) / (T + 237.3));
    const vpAct = (rh / 100) * vpMax;
    const g = Math.log(vpAct / 6.1078);
    const Tdew = (237.3 * g) / (17.27 - g);
    const TK = T + 273.15;
    cols['p (mbar)'][i] = round(p, 2);
    cols['T (degC)'][i] = round(T, 2);
    cols['Tpot (K)'][i] = round(TK * (1000 / p) ** 0.286, 2);
    cols['Tdew (degC)'][i] = round(Tdew, 2);
    cols['rh (%)'][i] = round(rh, 1);
    cols['VPmax (mbar)'][i] = round(vpMax, 2);
    cols['VPact (mbar)'][i] = round(vpAct, 2);
    cols['VPdef (mbar)'][i] = round(vpMax - vpAct, 2);
    cols['sh (g/kg)'][i] = round((622 * vpAct) / (p - 0.378 * vpAct), 2);
    cols['H2OC (mmol/mol)'][i] = round((1000 * vpAct) / p, 2);
    cols['rho (g/m**3)'][i] = round((p * 100 * 1000) / (287.05 * TK), 2);
    cols['wv (m/s)'][i] = round(wind, 2);
    cols['max. wv (m/s)'][i] = round(wind * (1.5 + 0.3 * rand()), 2);
    cols['wd (deg)'][i] = round(dir, 1);
  }
  return new LoadedDataset(
    'jena',
    dates,
    cols,
    'generated',
    undefined,
    [`datos generados (sustituto del fichero de Jena), semilla ${options.seed ?? 42}`],
    'Date Time',
  );
}

/** Banner printed when the stand-in is used instead of the real file. */
export const JENA_STAND_IN_BANNER =
  '⚠ DATOS GENERADOS: no se encontró jena_climate_2009_2016.csv (ni en RNN_DATA_DIR ni en la caché, y no se pudo descargar). ' +
  'Se usa una serie sintética con la forma del fichero de Jena; los números NO son comparables con los del documento.';

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
