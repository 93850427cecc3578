// Draws Slipway's icon (a ramp running down into water) as a PNG of any size, so the tray, the window and the
// installers share one mark without binary files in the repository. Pure Node: no electron import, so the
// packaging script can run it too.
import { deflateSync } from 'node:zlib';

export type IconStyle = 'color' | 'template';

const BLUE: [number, number, number] = [37, 99, 235];
const WATER: [number, number, number] = [147, 197, 253];
const SAMPLES = 4;

/** A square PNG: 'color' on a rounded blue tile; 'template' as a black shape on transparency (macOS menu bar). */
export function appIconPng(size: number, style: IconStyle = 'color'): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x, y, size, style);
      rgba.set([r, g, b, a], (y * size + x) * 4);
    }
  }
  return encodePng(size, size, rgba);
}

/** Supersampled coverage of each shape in the pixel, composited back to front. */
function pixel(x: number, y: number, size: number, style: IconStyle): [number, number, number, number] {
  let tile = 0;
  let ramp = 0;
  let water = 0;
  for (let sy = 0; sy < SAMPLES; sy++) {
    for (let sx = 0; sx < SAMPLES; sx++) {
      // Unit coordinates, origin top-left.
      const u = (x + (sx + 0.5) / SAMPLES) / size;
      const v = (y + (sy + 0.5) / SAMPLES) / size;
      if (insideRoundedSquare(u, v, 0.02, 0.2)) tile++;
      // The ramp: a wedge rising from the lower left to the upper right.
      if (u > 0.18 && u < 0.82 && v < 0.78 && v > 0.78 - (u - 0.18) * 0.85) ramp++;
      // The water line: a band across the bottom.
      if (u > 0.12 && u < 0.88 && v > 0.8 && v < 0.88) water++;
    }
  }
  const n = SAMPLES * SAMPLES;
  if (style === 'template') {
    const alpha = Math.min(1, (ramp + water) / n);
    return [0, 0, 0, Math.round(alpha * 255)];
  }
  const tileA = tile / n;
  const rampA = (ramp / n) * tileA;
  const waterA = (water / n) * tileA;
  const mix = (base: number, white: number, w: number) =>
    Math.round(base * (1 - rampA - waterA) + white * rampA + w * waterA);
  return [
    mix(BLUE[0], 255, WATER[0]),
    mix(BLUE[1], 255, WATER[1]),
    mix(BLUE[2], 255, WATER[2]),
    Math.round(tileA * 255),
  ];
}

function insideRoundedSquare(u: number, v: number, inset: number, radius: number): boolean {
  const lo = inset + radius;
  const hi = 1 - inset - radius;
  const dx = u < lo ? lo - u : u > hi ? u - hi : 0;
  const dy = v < lo ? lo - v : v > hi ? v - hi : 0;
  return u >= inset && u <= 1 - inset && v >= inset && v <= 1 - inset && dx * dx + dy * dy <= radius * radius;
}

/** Minimal PNG encoder: 8-bit RGBA, no interlace, filter 0 on every row. */
function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
