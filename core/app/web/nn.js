// A model's encoder and decoder, run in the student's browser in plain JavaScript.
//
// The server sends a packet (`core.webspec.pack`): a JSON header, then one zlib-compressed
// blob of float16 arrays (low bytes, then high bytes: the high bytes repeat and compress). A
// model part (decoder or encoder) is named by the sha256 of its weights: the browser keeps each
// part in memory and in IndexedDB under that name, and asks the server only for parts it lacks.

const HALF = new Float32Array(65536);  // every float16 bit pattern's value, filled once
for (let h = 0; h < 65536; h++) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  HALF[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity)
                    : s * (1 + m / 1024) * 2 ** (e - 15);
}

/** The blob's arrays as Float32Arrays, by name: `arrays` lists {name, size} in blob order. */
export async function unpackArrays(blob, arrays, deflate = true) {
  let bytes = blob;
  if (deflate) {
    const stream = new Blob([blob]).stream().pipeThrough(new DecompressionStream("deflate"));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const n = bytes.length / 2, out = {};
  let at = 0;
  for (const { name, size } of arrays) {
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = HALF[bytes[at + i] | (bytes[n + at + i] << 8)];
    out[name] = values;
    at += size;
  }
  return out;
}

/** A packet's header (read at once) and where its blob starts: u32 header length, header JSON. */
export function readHeader(buffer) {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))),
           blob: bytes.subarray(4 + length) };
}

/** The header and the arrays of a packet (arrays null where this browser cannot inflate). */
export async function readPacket(buffer) {
  const { header, blob } = readHeader(buffer);
  if (header.arrays.length && header.deflate && typeof DecompressionStream === "undefined") {
    return { header, arrays: null };  // this browser cannot inflate: ask for a plain packet
  }
  const arrays = header.arrays.length ? await unpackArrays(blob, header.arrays, header.deflate) : {};
  return { header, arrays };
}

/** A part's layers with their weights taken from the packet's arrays. */
export function bind(layers, arrays) {
  return layers.map((l) => (l.w ? { ...l, w: arrays[l.w], b: arrays[l.b] } : l));
}

function linear(x, l) {  // x (in,) -> (out,); w (out, in) as nn.Linear stores it
  const y = new Float32Array(l.out);
  for (let o = 0; o < l.out; o++) {
    let s = l.b[o];
    for (let i = 0, r = o * l.in; i < l.in; i++) s += l.w[r + i] * x[i];
    y[o] = s;
  }
  return y;
}

// A convolution as one matrix product: each output position's receptive field is copied into
// a row (im2col), so the innermost loop is a long dot product over (cin, k, k) in memory order.
function conv(x, l, side) {  // (cin, side, side) -> (cout, out, out); w (cout, cin, k, k)
  const { cin, cout, k, stride: s, pad, w } = l, out = Math.floor((side + 2 * pad - k) / s) + 1;
  const m = out * out, field = cin * k * k, col = new Float32Array(m * field);
  for (let oy = 0; oy < out; oy++) for (let ox = 0; ox < out; ox++) {
    let at = (oy * out + ox) * field;
    for (let ci = 0; ci < cin; ci++) for (let ky = 0; ky < k; ky++) {
      const iy = oy * s - pad + ky, row = (ci * side + iy) * side;
      for (let kx = 0; kx < k; kx++, at++) {
        const ix = ox * s - pad + kx;
        if (iy >= 0 && iy < side && ix >= 0 && ix < side) col[at] = x[row + ix];
      }
    }
  }
  const y = new Float32Array(cout * m);
  for (let co = 0; co < cout; co++) {
    const wr = co * field, b = l.b[co];
    for (let p = 0; p < m; p++) {
      let sum = b;
      for (let j = 0, c = p * field; j < field; j++) sum += w[wr + j] * col[c + j];
      y[co * m + p] = sum;
    }
  }
  return [y, out];
}

function convTranspose(x, l, side) {  // (cin, side, side) -> (cout, out, out); w (cin, cout, k, k)
  const { cin, cout, k, stride, pad, w } = l, out = (side - 1) * stride - 2 * pad + k;
  const m = out * out, y = new Float32Array(cout * m);
  for (let co = 0; co < cout; co++) y.fill(l.b[co], co * m, (co + 1) * m);
  // One input at a time: after a ReLU most inputs are zero and add nothing.
  for (let ci = 0; ci < cin; ci++) for (let iy = 0; iy < side; iy++) for (let ix = 0; ix < side; ix++) {
    const v = x[(ci * side + iy) * side + ix];
    if (v === 0) continue;
    for (let co = 0; co < cout; co++) for (let ky = 0; ky < k; ky++) {
      const oy = iy * stride - pad + ky;
      if (oy < 0 || oy >= out) continue;
      const wi = ((ci * cout + co) * k + ky) * k, yo = co * m + oy * out;
      for (let kx = 0; kx < k; kx++) {
        const ox = ix * stride - pad + kx;
        if (ox >= 0 && ox < out) y[yo + ox] += v * w[wi + kx];
      }
    }
  }
  return [y, out];
}

/** Run a stack of layers on x; `side` is the feature map's side where x is an image. */
export function run(layers, input, side = 0) {
  let x = Float32Array.from(input);
  for (const l of layers) {
    if (l.op === "linear") x = linear(x, l);
    else if (l.op === "relu") x = x.map((v) => (v > 0 ? v : 0));
    else if (l.op === "unflatten") side = l.side;
    else if (l.op === "flatten") side = 0;
    else if (l.op === "conv") [x, side] = conv(x, l, side);
    else if (l.op === "conv_transpose") [x, side] = convTranspose(x, l, side);
    else if (l.op === "sigmoid") x = x.map((v) => 1 / (1 + Math.exp(-v)));
    else throw new Error(`unknown layer ${l.op}`);
  }
  return x;
}

/** dec(z): a code (latent_dim,) -> 28 x 28 pixels in [0, 1] (Float32Array, row-major). */
export function decode(decoder, z) {
  return run(decoder.layers, z);
}

/** enc(x): 28 x 28 pixels in [0, 1] -> {mu, logvar} (logvar null for an autoencoder). */
export function encode(encoder, x) {
  const h = run(encoder.layers, x, 28);
  return { mu: linear(h, encoder.mu), logvar: encoder.logvar ? linear(h, encoder.logvar) : null };
}

/** A part ready to run: {kind, latent_dim, layers[, mu, logvar]} with its weights bound. */
export function partFrom(meta, arrays) {
  const part = { ...meta, layers: bind(meta.layers, arrays) };
  if (meta.mu) [part.mu] = bind([meta.mu], arrays);
  if (meta.logvar) [part.logvar] = bind([meta.logvar], arrays);
  return part;
}

// Parts by name, for every component on the page (one module may be loaded per component), and
// the parts a packet is bringing in: another view on the page waits for those, not asks again.
const parts = (globalThis.latentLabParts ??= new Map());
const arriving = (globalThis.latentLabArriving ??= new Map());
const waiting = (globalThis.latentLabWaiting ??= new Map());  // name -> resolvers of views waiting

/** A promise that resolves once the part `name` is kept, by whichever view's packet brings it. */
export function arrival(name) {
  if (parts.has(name)) return Promise.resolve();
  return new Promise((resolve) => waiting.set(name, [...(waiting.get(name) || []), resolve]));
}

/** Say that a packet brings these parts in; returns the function to call once they are kept. */
export function expect(names) {
  const done = [];
  for (const name of names) {
    let resolve;
    arriving.set(name, new Promise((r) => { resolve = r; }));
    done.push(() => { arriving.delete(name); resolve(); });
  }
  return () => done.forEach((f) => f());
}

function store() {  // IndexedDB "latent-lab": one object store of parts' arrays by name
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("latent-lab", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("parts");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Keep a part (its meta and arrays) in memory and, when it can, in IndexedDB. */
export async function keep(name, meta, arrays) {
  parts.set(name, partFrom(meta, arrays));
  (waiting.get(name) || []).forEach((resolve) => resolve());
  waiting.delete(name);
  try {
    const db = await store();
    db.transaction("parts", "readwrite").objectStore("parts").put({ meta, arrays }, name);
  } catch { /* private windows may refuse IndexedDB: memory is enough for this tab */ }
}

/** The part named `name` from memory or IndexedDB, or undefined if this browser lacks it. */
export async function find(name) {
  if (arriving.has(name)) await arriving.get(name);
  if (parts.has(name)) return parts.get(name);
  try {
    const db = await store();
    const saved = await new Promise((resolve, reject) => {
      const request = db.transaction("parts").objectStore("parts").get(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    if (saved) parts.set(name, partFrom(saved.meta, saved.arrays));
  } catch { /* no IndexedDB: the server sends the part again */ }
  return parts.get(name);
}

/** Paint pixels (28 x 28 in [0, 1]) into an ImageData at (left, top) through a colour table. */
export function paint(image, x, lut, left = 0, top = 0, side = 28) {
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) {
    const v = Math.round(Math.min(1, Math.max(0, x[r * side + c])) * 255) * 3;
    const at = 4 * ((top + r) * image.width + left + c);
    image.data[at] = lut[v]; image.data[at + 1] = lut[v + 1]; image.data[at + 2] = lut[v + 2];
    image.data[at + 3] = 255;
  }
}
