/**
 * The checks of the autograded test cells (nbgrader) of notebooks 01–06. Each check prints
 * one line `✓ name: value` when it passes and throws a {@link CheckFailed} naming the check,
 * the value found and the one expected when it fails. A test cell that throws gets no points:
 * tslab writes the error to the cell's stderr stream, which nbgrader counts as a failure
 * (`nbgrader.utils.determine_grade`), like a TypeScript type error in the cell.
 *
 *   checkLayers(model, [{ layer: "SimpleRNN", units: 5, activation: "tanh" }, { layer: "Dense" }]);
 *   checkTraining(hist, { epochs: p.epochs, batchSize: p.batchSize, optimizer: "adam" });
 *   checkClose("RMSE test", rmseTest, byMode(2.46, 3.1), { rel: 0.1 });
 *   checkShown("TEST DATASET");
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainHistory, TrainSettings } from '../core/types';
import { architectureOf, type LayerArchitecture } from '../models/builders';
import { shownFigures } from '../plot/show';
import { isQuickMode } from '../runtime/params';

/** A failed autograder check; its message says what was found and what was expected. */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

function text(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** JSON with the keys of every object sorted, so that two equal values give the same text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : ArrayBuffer.isView(v)
        ? Array.from(v as unknown as ArrayLike<number>)
        : v,
  );
}

/** Passes when `ok`; otherwise fails with "name: found …, expected …". */
export function checkThat(name: string, ok: boolean, found: unknown, expected: string): void {
  if (!ok) throw new CheckFailed(`✗ ${name}: se obtuvo ${text(found)}, se esperaba ${expected}`);
  console.log(`✓ ${name}: ${text(found)}`);
}

/** Passes when `found` equals `expected` (deep: arrays, typed arrays and plain objects). */
export function checkEqual(name: string, found: unknown, expected: unknown): void {
  checkThat(name, canonical(found) === canonical(expected), found, text(expected));
}

/** Tolerance of {@link checkClose}: relative to the expected value, absolute, or both (either passes). */
export interface Tolerance {
  rel?: number;
  abs?: number;
}

/** Passes when `found` is a finite number within the tolerance of `expected`. */
export function checkClose(name: string, found: number, expected: number, tolerance: Tolerance): void {
  const { rel, abs } = tolerance;
  if (rel === undefined && abs === undefined) throw new Error(`checkClose("${name}"): give { rel } or { abs }.`);
  const diff = Math.abs(found - expected);
  const ok =
    typeof found === 'number' &&
    Number.isFinite(found) &&
    ((rel !== undefined && diff <= rel * Math.abs(expected)) || (abs !== undefined && diff <= abs));
  const band = [rel !== undefined ? `± ${rel * 100} %` : '', abs !== undefined ? `± ${abs}` : '']
    .filter(Boolean)
    .join(' o ');
  checkThat(name, ok, found, `${text(expected)} ${band}`);
}

/** What {@link checkLayers} compares of a layer: any field of `architectureOf`, omitted = any. */
export type ExpectedLayer = Partial<LayerArchitecture>;

function layerText(l: Partial<LayerArchitecture>): string {
  const args = [l.units, l.activation, l.returnSequences ? 'returnSequences' : null, l.stateful ? 'stateful' : null];
  return `${l.layer ?? '?'}(${args.filter((a) => a !== null && a !== undefined).join(', ')})`;
}

/**
 * Passes when `model` has exactly the expected layers, in order, each with the given fields
 * (class name as `getClassName()`: SimpleRNN, LSTM, GRU, Dense, Flatten, RNN for Jordan).
 */
export function checkLayers(model: tfTypes.LayersModel, expected: ExpectedLayer[], name = 'arquitectura'): void {
  const found = architectureOf(model);
  const mismatch = (l: LayerArchitecture, e: ExpectedLayer) =>
    (Object.keys(e) as (keyof LayerArchitecture)[]).filter((k) => e[k] !== undefined && l[k] !== e[k]);
  const ok = found.length === expected.length && found.every((l, i) => mismatch(l, expected[i]).length === 0);
  const summary = found.map(layerText).join(' → ');
  if (!ok) {
    const wrong = found.flatMap((l, i) =>
      i < expected.length ? mismatch(l, expected[i]).map((k) => `capa ${i + 1} ${k}`) : [],
    );
    const detail = found.length !== expected.length ? `${found.length} capas` : wrong.join(', ');
    throw new CheckFailed(
      `✗ ${name}: se obtuvo ${summary} (${detail}), se esperaba ${expected.map(layerText).join(' → ')}`,
    );
  }
  console.log(`✓ ${name}: ${summary}`);
}

/** Passes when the model has `expected` parameters (Keras' `count_params()`). */
export function checkParams(model: tfTypes.LayersModel, expected: number, name = 'parámetros'): void {
  checkThat(name, model.countParams() === expected, model.countParams(), String(expected));
}

/** Passes when the training `hist` (from `train()`) ran with every given setting. */
export function checkTraining(hist: TrainHistory, expected: Partial<TrainSettings>, name = 'entrenamiento'): void {
  const settings = hist?.settings;
  if (!settings) throw new CheckFailed(`✗ ${name}: no es el resultado de train() (le falta settings)`);
  const keys = Object.keys(expected) as (keyof TrainSettings)[];
  const wrong = keys.filter((k) => settings[k] !== expected[k]);
  const found = Object.fromEntries(keys.map((k) => [k, settings[k]]));
  checkThat(name, wrong.length === 0, found, `${canonical(expected)} (distinto: ${wrong.join(', ')})`);
}

/**
 * Passes when a chart whose title contains `titlePart` (any case) was shown with `show()` in
 * this kernel session, with at least `traces` traces and every trace drawn with points.
 */
export function checkShown(titlePart: string, options: { traces?: number } = {}): void {
  const want = titlePart.toLowerCase();
  const all = shownFigures();
  const match = all.filter((f) => f.title.toLowerCase().includes(want));
  const good = match.find((f) => f.traces.length >= (options.traces ?? 1) && f.points.every((p) => p > 0));
  const name = `gráfico «${titlePart}»`;
  if (!good) {
    const seen = all.map((f) => f.title || '(sin título)').join(' | ') || 'ninguno';
    throw new CheckFailed(
      `✗ ${name}: no se mostró con show()${match.length ? ' con datos en cada traza' : ''}; gráficos mostrados: ${seen}`,
    );
  }
  console.log(`✓ ${name}: ${good.traces.length} trazas, ${good.points.join(' / ')} puntos`);
}

/**
 * The reference value for the running mode: `documentValue` at the documents' settings,
 * `quickValue` in quick mode (`RNN_QUICK=1`, CI), where fewer epochs give other numbers.
 */
export function byMode<T>(documentValue: T, quickValue: T): T {
  return isQuickMode() ? quickValue : documentValue;
}
