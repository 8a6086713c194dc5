const QUICK_ON = ['1', 'true', 'yes', 'on'];
const QUICK_OFF = ['', '0', 'false', 'no', 'off'];

/**
 * Quick mode: `RNN_QUICK=1` lets CI shrink a notebook's settings (fewer epochs, less
 * data). The main job (`npm run notebooks`) never sets it, so notebooks run the course
 * documents' real settings there. Any other value than 1/true/yes/on or 0/false/no/off
 * (any case) or empty is an error: a typo such as `RNN_QUICK=ture` must not pick a mode.
 * scripts/run-notebooks.js and scripts/run_notebooks.py accept the same words.
 */
export function isQuickMode(): boolean {
  const raw = process.env.RNN_QUICK;
  if (raw === undefined) return false;
  const v = raw.trim().toLowerCase();
  if (QUICK_ON.includes(v)) return true;
  if (QUICK_OFF.includes(v)) return false;
  throw new Error(
    `RNN_QUICK="${raw}" is not on or off: use 1 (or true, yes, on) for quick mode, or 0 (or false, no, off, ` +
      "empty) for the documents' settings.",
  );
}

/**
 * The settings of an exercise. Returns `settings` unchanged, or, in quick mode,
 * `settings` with `quick` laid over it, and then prints which values were changed so
 * the executed notebook says so.
 */
export function params<T extends object>(settings: T, quick: Partial<T> = {}): T {
  if (!isQuickMode()) return { ...settings };
  for (const key of Object.keys(quick)) {
    if (!(key in settings)) {
      throw new Error(
        `params(): quick-mode key "${key}" is not one of the settings (${Object.keys(settings).join(', ')}). Fix the notebook's quick overrides.`,
      );
    }
  }
  const merged = { ...settings, ...quick };
  const changes = Object.keys(quick)
    .map(
      (k) =>
        `${k}: ${JSON.stringify((settings as Record<string, unknown>)[k])} → ${JSON.stringify((quick as Record<string, unknown>)[k])}`,
    )
    .join(', ');
  console.log(
    `⚠ MODO RÁPIDO (RNN_QUICK=1): ajustes reducidos para CI, los números no son los del documento. ${changes || '(sin cambios)'}`,
  );
  return merged;
}
