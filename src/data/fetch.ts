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
  if (expected.size !== undefined && buffer.length !== expected.size) return `size ${buffer.length} bytes, expected ${expected.size}`;
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

function get(url: string, timeoutMs: number, redirects = 5): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { timeout: timeoutMs }, (res) => {
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
        res.resume();
        resolve(get(new URL(res.headers.location, url).toString(), timeoutMs, redirects - 1));
        return;
      }
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode} from ${url}`));
        return;
      }
      const chunks: Buffer[] = [];
      const expected = Number(res.headers['content-length'] ?? NaN);
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => reject(new Error(`the download of ${url} was interrupted`)));
      res.on('error', (e) => reject(e));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (!res.complete || (Number.isFinite(expected) && body.length !== expected)) {
          reject(new Error(`the download of ${url} was interrupted (${body.length} of ${Number.isFinite(expected) ? expected : '?'} bytes)`));
        } else resolve(body);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
  });
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
  timeoutMs?: number;
}

/** Downloads `url` to `target` atomically (see the module note). Returns `target`. */
export async function downloadToCache(req: DownloadRequest): Promise<string> {
  fs.mkdirSync(path.dirname(req.target), { recursive: true });
  const tmp = `${req.target}.${process.pid}.${Date.now()}.part`;
  try {
    let body = await get(req.url, req.timeoutMs ?? 60_000);
    if (req.zipped) body = extractFromZip(body, path.basename(req.target));
    const bad = checksumMismatch(body, req.expected);
    if (bad) {
      throw new Error(
        `The file downloaded from ${req.url} does not match the expected checksum (${bad}); nothing was saved. ` +
          `The source may have changed: download it by hand, check it, and put it in a folder named by RNN_DATA_DIR.`,
      );
    }
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, req.target);
    return req.target;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
