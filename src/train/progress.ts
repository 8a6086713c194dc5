import type { EpochLogs } from '../types';

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(5) : v.toExponential(3);
}

/**
 * A live progress line rewritten in place with `\r` (Jupyter shows only its latest state;
 * the notebook runner keeps only that state in the saved notebook), throttled to 4
 * updates a second, closed with a newline and a one-line summary.
 */
export class ProgressLine {
  private last = 0;
  private width = 0;
  private readonly start = Date.now();
  constructor(private readonly label: string, private readonly epochs: number, private readonly enabled: boolean) {}

  update(epoch: number, logs: EpochLogs, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 250 && epoch + 1 < this.epochs) return;
    this.last = now;
    const elapsed = (now - this.start) / 1000;
    const perEpoch = elapsed / (epoch + 1);
    const eta = perEpoch * (this.epochs - epoch - 1);
    const parts = Object.entries(logs).map(([k, v]) => `${k} ${fmt(v)}`);
    const text = `${this.label} · época ${epoch + 1}/${this.epochs} · ${parts.join(' · ')} · ${perEpoch.toFixed(2)} s/época · quedan ~${eta.toFixed(0)} s`;
    this.width = Math.max(this.width, text.length);
    process.stdout.write(`\r${text.padEnd(this.width)}`);
  }

  finish(summary: string): void {
    if (!this.enabled) return;
    process.stdout.write(`\n${summary}\n`);
  }
}
