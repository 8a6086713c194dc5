import type { EpochLogs } from '../core/types';

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(5) : v.toExponential(3);
}

/**
 * A live progress line rewritten in place with `\r` (Jupyter shows only its latest state;
 * the notebook runner keeps only that state in the saved notebook), throttled to 4
 * updates a second, closed with a newline and a one-line summary. Shows the epoch, the
 * last epoch's numbers, seconds per epoch and the time left; during long epochs also the
 * batch reached.
 */
export class ProgressLine {
  private last = 0;
  private width = 0;
  private logs: EpochLogs = {};
  private readonly start = Date.now();
  /**
   * @param label   what is trained (the model's name)
   * @param epochs  total epochs, for "época i/N" and the time left
   * @param enabled false prints nothing at all
   */
  constructor(
    private readonly label: string,
    private readonly epochs: number,
    private readonly enabled: boolean,
  ) {}

  /** After epoch `epoch` (0-based) with its logs; the last epoch is always shown. */
  update(epoch: number, logs: EpochLogs, force = false): void {
    this.logs = logs;
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 250 && epoch + 1 < this.epochs) return;
    this.render(now, epoch + 1, '');
  }

  /** Inside epoch `epoch` (0-based), after batch `batch` (0-based) of `batches`. */
  batch(epoch: number, batch: number, batches: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 250) return;
    this.render(now, epoch + (batch + 1) / batches, ` · lote ${batch + 1}/${batches}`, epoch + 1);
  }

  private render(now: number, progress: number, extra: string, shownEpoch = Math.round(progress)): void {
    this.last = now;
    const elapsed = (now - this.start) / 1000;
    const perEpoch = elapsed / Math.max(progress, 1e-9);
    const eta = perEpoch * (this.epochs - progress);
    const parts = Object.entries(this.logs).map(([k, v]) => `${k} ${fmt(v)}`);
    const text = [
      `${this.label} · época ${shownEpoch}/${this.epochs}${extra}`,
      ...parts,
      `${perEpoch.toFixed(2)} s/época`,
      `quedan ~${eta.toFixed(0)} s`,
    ].join(' · ');
    this.width = Math.max(this.width, text.length);
    process.stdout.write(`\r${text.padEnd(this.width)}`);
  }

  /**
   * A warning during training: on its own line after the progress line (which goes on below it),
   * or through `console.warn` when the line is not shown.
   */
  note(text: string): void {
    if (!this.enabled) {
      console.warn(text);
      return;
    }
    process.stdout.write(`${this.width > 0 ? '\n' : ''}⚠ ${text}\n`);
    this.width = 0;
  }

  /** Ends the line and prints `summary` on its own line. */
  finish(summary: string): void {
    if (!this.enabled) return;
    process.stdout.write(`\n${summary}\n`);
  }
}
