/**
 * Downloads into the data cache atomically: the body goes to a temporary file in the
 * cache folder, is checked (size + sha256/md5) and only then renamed into place. A
 * mismatch or an interrupted transfer removes the temporary file, so nothing half
 * written is ever left behind.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export interface Checksum {
  sha256?: string;
  md5?: string;
  size?: number;
}

/** Hex digest of a file. */
export function fileDigest(file: string, algorithm: 'sha256' | 'md5'): string {
  return crypto.createHash(algorithm).update(fs.readFileSync(file)).digest('hex');
}

/** Which expectation `buffer` fails, or undefined when it matches. */
export function checksumMismatch(buffer: Buffer, expected: Checksum): string | undefined {
  if (expected.size !== undefined && buffer.length !== expected.size)
    return `size ${buffer.length} bytes, expected ${expected.size}`;
  if (expected.sha256) {
    const got = crypto.createHash('sha256').update(buffer).digest('hex');
    if (got !== expected.sha256) return `sha256 ${got}, expected ${expected.sha256}`;
  }
  if (expected.md5) {
    const got = crypto.createHash('md5').update(buffer).digest('hex');
    if (got !== expected.md5) return `md5 ${got}, expected ${expected.md5}`;
  }
  return undefined;
}

/** What went wrong in a download: the loader's advice depends on it. */
export type DownloadFailure = 'network' | 'http' | 'redirect' | 'slow' | 'interrupted' | 'checksum' | 'zip' | 'cache';

export class DownloadError extends Error {
  constructor(
    readonly kind: DownloadFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

interface GetOptions {
  /** No byte for this long: give up. */
  idleMs: number;
  /** The whole download (redirects included) must end by this time (ms since the epoch). */
  deadline: number;
  deadlineMs: number;
  maxRedirects: number;
  onProgress?: (received: number, total: number | undefined) => void;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function get(url: string, o: GetOptions, chain: string[] = []): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    let received = 0;
    let total: number | undefined;
    let req: http.ClientRequest | undefined;
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
      req?.destroy();
    };
    const timer = setTimeout(
      () =>
        fail(
          new DownloadError(
            'slow',
            `the download of ${url} did not finish within ${seconds(o.deadlineMs)} (${received} of ${total ?? '?'} bytes received)`,
          ),
        ),
      Math.max(0, o.deadline - Date.now()),
    );
    try {
      req = lib.get(url, { timeout: o.idleMs }, onResponse);
    } catch (err) {
      fail(new DownloadError('network', `${(err as Error).message} (${url})`));
      return;
    }
    function onResponse(res: http.IncomingMessage): void {
      const status = res.statusCode ?? 0;
      const code = `HTTP ${status}${res.statusMessage ? ` (${res.statusMessage})` : ''}`;
      if (status >= 300 && status < 400) {
        res.resume();
        clearTimeout(timer);
        const location = res.headers.location;
        if (!location) {
          reject(new DownloadError('http', `${code} without a Location header from ${url}`));
          return;
        }
        const next = new URL(location, url).toString();
        const path = [...chain, url];
        if (path.includes(next)) {
          reject(new DownloadError('redirect', `redirect loop: ${[...path, next].join(' → ')}`));
        } else if (path.length > o.maxRedirects) {
          reject(
            new DownloadError('redirect', `more than ${o.maxRedirects} redirects: ${[...path, next].join(' → ')}`),
          );
        } else resolve(get(next, o, path));
        return;
      }
      if (status !== 200) {
        res.resume();
        clearTimeout(timer);
        reject(new DownloadError('http', `${code} from ${url}${chain.length ? ` (redirected from ${chain[0]})` : ''}`));
        return;
      }
      const chunks: Buffer[] = [];
      const length = Number(res.headers['content-length'] ?? NaN);
      total = Number.isFinite(length) ? length : undefined;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        received += c.length;
        o.onProgress?.(received, total);
      });
      const cut = () =>
        new DownloadError(
          'interrupted',
          `the download of ${url} was interrupted (${received} of ${total ?? '?'} bytes)`,
        );
      res.on('aborted', () => fail(cut()));
      res.on('error', () => fail(cut()));
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        if (!res.complete || (total !== undefined && body.length !== total)) fail(cut());
        else resolve(body);
      });
    }
    req.on('timeout', () =>
      fail(
        new DownloadError(
          'network',
          `no data from ${url} for ${seconds(o.idleMs)} (${received} of ${total ?? '?'} bytes received)`,
        ),
      ),
    );
    req.on('error', (e) =>
      fail(e instanceof DownloadError ? e : new DownloadError('network', `${e.message} (${url})`)),
    );
  });
}

/**
 * A progress callback that prints at most every `everyMs` (default 5 s), e.g.
 * `descargando x.zip: 3.2 de 13.6 MB (24 %)`.
 */
export function progressPrinter(
  label: string,
  print: (line: string) => void = console.log,
  everyMs = 5000,
): (received: number, total: number | undefined) => void {
  const start = Date.now();
  let last = start;
  return (received, total) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    const mb = (b: number) => (b / 1e6).toFixed(1);
    const rate = received / 1000 / Math.max(0.001, (now - start) / 1000);
    print(
      `descargando ${label}: ${mb(received)}${total ? ` de ${mb(total)} MB (${Math.floor((100 * received) / total)} %)` : ' MB'}, ${rate.toFixed(0)} kB/s`,
    );
  };
}

/** Extracts one file from a zip archive held in memory (stored or deflated entries). */
export function extractFromZip(zip: Buffer, fileName: string): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive (no end-of-central-directory record)');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    const method = zip.readUInt16LE(p + 10);
    const compSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    if (path.basename(name) === fileName) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return zlib.inflateRawSync(data);
      throw new Error(`zip entry ${name} uses compression method ${method}; unzip it by hand`);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`the zip archive has no ${fileName}`);
}

export interface DownloadRequest {
  url: string;
  /** Final path of the file in the cache. */
  target: string;
  expected: Checksum;
  /** The URL serves a zip that holds `path.basename(target)`. */
  zipped?: boolean;
  /** Give up when no byte arrives for this long (default 60 s). */
  timeoutMs?: number;
  /** Give up when the whole download takes longer (default 15 min): a server that trickles bytes. */
  deadlineMs?: number;
  /** Redirects followed at most (default 5); a loop is reported as such. */
  maxRedirects?: number;
  /** Called as bytes arrive (see `progressPrinter`). */
  onProgress?: (received: number, total: number | undefined) => void;
}

/** Downloads `url` to `target` atomically (see the module note). Returns `target`. */
export async function downloadToCache(req: DownloadRequest): Promise<string> {
  const dir = path.dirname(req.target);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DownloadError('cache', `cannot create the cache folder ${dir} (${(err as Error).message})`);
  }
  const tmp = `${req.target}.${process.pid}.${Date.now()}.part`;
  try {
    const deadlineMs = req.deadlineMs ?? 15 * 60_000;
    let body = await get(req.url, {
      idleMs: req.timeoutMs ?? 60_000,
      deadline: Date.now() + deadlineMs,
      deadlineMs,
      maxRedirects: req.maxRedirects ?? 5,
      onProgress: req.onProgress,
    });
    if (req.zipped) {
      try {
        body = extractFromZip(body, path.basename(req.target));
      } catch (err) {
        throw new DownloadError(
          'zip',
          `the file downloaded from ${req.url} is not a usable zip: ${(err as Error).message}`,
        );
      }
    }
    const bad = checksumMismatch(body, req.expected);
    if (bad) {
      throw new DownloadError(
        'checksum',
        `The file downloaded from ${req.url} does not match the expected checksum (${bad}); nothing was saved. ` +
          `The source may have changed: download it by hand, check it, and put it in a folder named by RNN_DATA_DIR.`,
      );
    }
    try {
      fs.writeFileSync(tmp, body);
      fs.renameSync(tmp, req.target);
    } catch (err) {
      throw new DownloadError('cache', `cannot write ${req.target} (${(err as Error).message})`);
    }
    return req.target;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
