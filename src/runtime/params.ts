/**
 * Quick mode: `RNN_QUICK=1` lets CI shrink a notebook's settings (fewer epochs, less
 * data). The main job (`npm run notebooks`) never sets it, so notebooks run the course
 * documents' real settings there.
 */
export function isQuickMode(): boolean {
  const v = process.env.RNN_QUICK;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
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
      throw new Error(`params(): quick-mode key "${key}" is not one of the settings (${Object.keys(settings).join(', ')}). Fix the notebook's quick overrides.`);
    }
  }
  const merged = { ...settings, ...quick };
  const changes = Object.keys(quick)
    .map((k) => `${k}: ${JSON.stringify((settings as Record<string, unknown>)[k])} → ${JSON.stringify((quick as Record<string, unknown>)[k])}`)
    .join(', ');
  console.log(`⚠ MODO RÁPIDO (RNN_QUICK=1): ajustes reducidos para CI, los números no son los del documento. ${changes || '(sin cambios)'}`);
  return merged;
}
