/**
 * Finding the running tslab kernel's display writer. tslab sets `lastWriteDisplayData`
 * in its `dist/jupyter` module at every cell execution; `tslab.display.*` goes through
 * it one MIME type at a time, but the writer itself accepts a whole MIME bundle. The
 * module is looked up among the modules already loaded (whatever tslab copy runs the
 * kernel, local or global), never loaded here: outside a kernel there is none.
 */

/** A Jupyter `display_data` content as tslab's writer takes it. */
export interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: Record<string, unknown>;
}

/** The writer of the running tslab kernel. */
export type DisplayWriter = (content: DisplayContent, update?: boolean) => void;

/** The running tslab kernel's display writer, or undefined outside a tslab kernel. */
export function tslabDisplayWriter(): DisplayWriter | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const writer = (mod.exports as { lastWriteDisplayData?: DisplayWriter | null }).lastWriteDisplayData;
    if (typeof writer === 'function') return writer;
  }
  return undefined;
}
