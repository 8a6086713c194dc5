/**
 * Indexed-colour PNG encoding. A chart has few colours (trace colours blended with the
 * white background by antialiasing), so an 8-bit palette image is visually the same as
 * Chromium's RGBA PNG and two to three times smaller — it is stored twice per chart in
 * the notebook (the `image/png` output and the `<img>` inside the HTML).
 */
import * as zlib from 'node:zlib';

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes an 8-bit indexed PNG: `indices[y * width + x]` points into `palette`
 * (`0xRRGGBB` values, at most 256).
 */
export function encodeIndexedPng(
  width: number,
  height: number,
  palette: ArrayLike<number>,
  indices: Uint8Array,
): Buffer {
  if (palette.length < 1 || palette.length > 256)
    throw new Error(`encodeIndexedPng: palette has ${palette.length} colours (1…256).`);
  if (indices.length !== width * height)
    throw new Error(`encodeIndexedPng: ${indices.length} indices for ${width}×${height} pixels.`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // colour type: palette
  const plte = Buffer.alloc(3 * palette.length);
  for (let i = 0; i < palette.length; i++) {
    plte[3 * i] = (palette[i] >>> 16) & 0xff;
    plte[3 * i + 1] = (palette[i] >>> 8) & 0xff;
    plte[3 * i + 2] = palette[i] & 0xff;
  }
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none (best for palette images)
    Buffer.from(indices.buffer, indices.byteOffset + y * width, width).copy(raw, y * (width + 1) + 1);
  }
  const idat = zlib.deflateSync(raw, { level: 9 });
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
