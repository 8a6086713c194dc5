/**
 * TensorFlow.js backend selection. The whole library (and danfojs, through the npm
 * override) shares one copy of `@tensorflow/tfjs`; this module only decides which
 * kernels back it: the native `tensorflow` backend when `@tensorflow/tfjs-node` was
 * installed (alias `tfjs-node-native`, needs internet at install time), else WebAssembly,
 * else plain JavaScript `cpu`.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let active: BackendName | undefined;
let pending: Promise<BackendName> | undefined;
const notes: string[] = [];

function tryRequire(id: string): boolean {
  try {
    require(id);
    return true;
  } catch (err) {
    notes.push(`${id}: ${(err as Error).message.split('\n')[0]}`);
    return false;
  }
}

async function select(preferred?: BackendName): Promise<BackendName> {
  const order: BackendName[] = preferred ? [preferred] : ['tensorflow', 'wasm', 'cpu'];
  if (preferred && preferred !== 'cpu') order.push('cpu');
  for (const name of order) {
    if (name === 'tensorflow' && !tryRequire('tfjs-node-native')) continue;
    if (name === 'wasm' && !tryRequire('@tensorflow/tfjs-backend-wasm')) continue;
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        // The cpu backend prints a "use tfjs-node" banner on first use; environment.md explains the backends.
        if (name === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
        return name;
      }
      notes.push(`${name}: setBackend returned false`);
    } catch (err) {
      notes.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could be initialised (${notes.join('; ')}). Reinstall with \`npm ci\`.`);
}

function envPreference(): BackendName | undefined {
  const v = process.env.RNN_TF_BACKEND;
  if (v === undefined || v === '') return undefined;
  if (v === 'tensorflow' || v === 'wasm' || v === 'cpu') return v;
  throw new Error(`RNN_TF_BACKEND="${v}" is not a backend: use tensorflow, wasm or cpu (or unset it).`);
}

/**
 * Initialises the best available backend once (later calls return the same promise).
 * `RNN_TF_BACKEND=tensorflow|wasm|cpu` forces a choice.
 */
export function initBackend(preferred?: BackendName): Promise<BackendName> {
  if (!pending) {
    pending = select(preferred ?? envPreference()).then((name) => {
      active = name;
      return name;
    });
    pending.catch(() => {
      pending = undefined;
    });
  }
  return pending;
}

/** The active backend, or `undefined` before `initBackend()` resolved. */
export function activeBackend(): BackendName | undefined {
  return active;
}

/** Why backends earlier in the preference order were skipped. */
export function backendNotes(): string[] {
  return [...notes];
}
