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

// The layers run on a batch of B inputs at once (a row of a grid; B = 1 for a single digit), as
// matrix products: each weight loaded from memory then serves B inputs, not one. Activations
// are channel-major, (channels, B, side, side), with side 1 for vectors.

/** C (M x N) = A (M x K) . B^T with B (N x K), all row-major. Two rows by four columns at a time:
 * each value loaded feeds two or four of the eight running sums (1.5x a plain dot product). */
function gemm(A, B, M, N, K) {
  const C = new Float32Array(M * N);
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const a0 = m * K, a1 = a0 + K, c0 = m * N, c1 = c0 + N;
    let n = 0;
    for (; n + 3 < N; n += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      const b0 = n * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      for (let k = 0; k < K; k++) {
        const u = A[a0 + k], v = A[a1 + k], x0 = B[b0 + k], x1 = B[b1 + k], x2 = B[b2 + k], x3 = B[b3 + k];
        s0 += u * x0; s1 += u * x1; s2 += u * x2; s3 += u * x3;
        t0 += v * x0; t1 += v * x1; t2 += v * x2; t3 += v * x3;
      }
      C[c0 + n] = s0; C[c0 + n + 1] = s1; C[c0 + n + 2] = s2; C[c0 + n + 3] = s3;
      C[c1 + n] = t0; C[c1 + n + 1] = t1; C[c1 + n + 2] = t2; C[c1 + n + 3] = t3;
    }
    for (; n < N; n++) {
      let s = 0, t = 0;
      for (let k = 0, b = n * K; k < K; k++) { s += A[a0 + k] * B[b + k]; t += A[a1 + k] * B[b + k]; }
      C[c0 + n] = s; C[c1 + n] = t;
    }
  }
  for (; m < M; m++) for (let n = 0; n < N; n++) {
    let s = 0;
    for (let k = 0, a = m * K, b = n * K; k < K; k++) s += A[a + k] * B[b + k];
    C[m * N + n] = s;
  }
  return C;
}

function addBias(y, bias, per) {  // y (channels, per) += bias (channels,)
  for (let c = 0; c < bias.length; c++) for (let i = c * per, e = i + per; i < e; i++) y[i] += bias[c];
  return y;
}

function linear(x, l, B) {  // (in, B) -> (out, B); w (out, in) as nn.Linear stores it
  const xt = new Float32Array(B * l.in);
  for (let i = 0; i < l.in; i++) for (let b = 0; b < B; b++) xt[b * l.in + i] = x[i * B + b];
  return addBias(gemm(l.w, xt, l.out, B, l.in), l.b, B);
}

// A convolution as one matrix product: each output position's receptive field is copied into
// a row (im2col), so the product's inner loop runs over (cin, k, k) in memory order.
function conv(x, l, side, B) {  // (cin, B, side, side) -> (cout, B, out, out); w (cout, cin, k, k)
  const { cin, cout, k, stride: s, pad } = l, out = Math.floor((side + 2 * pad - k) / s) + 1;
  const m = out * out, field = cin * k * k, area = side * side, col = new Float32Array(B * m * field);
  for (let b = 0; b < B; b++) for (let oy = 0; oy < out; oy++) for (let ox = 0; ox < out; ox++) {
    let at = ((b * out + oy) * out + ox) * field;
    for (let ci = 0; ci < cin; ci++) for (let ky = 0; ky < k; ky++) {
      const iy = oy * s - pad + ky, row = (ci * B + b) * area + iy * side;
      for (let kx = 0; kx < k; kx++, at++) {
        const ix = ox * s - pad + kx;
        if (iy >= 0 && iy < side && ix >= 0 && ix < side) col[at] = x[row + ix];
      }
    }
  }
  return [addBias(gemm(l.w, col, cout, B * m, field), l.b, B * m), out];
}

// A transposed convolution, input by input: each nonzero input adds its weights, (cout, k, k)
// as stored, to its own column of kernel taps, which are then added into the output where each
// tap lands (col2im). After a ReLU 50-75 % of the inputs are zero and cost nothing; four
// nonzero inputs at a time share one pass over the column.
function convTranspose(x, l, side, B) {  // (cin, B, side, side) -> (cout, B, out, out); w (cin, cout, k, k)
  const { cin, cout, k, stride: s, pad, w } = l, out = (side - 1) * s - 2 * pad + k;
  const taps = cout * k * k, area = side * side, n = B * area, cols = new Float32Array(n * taps);
  const at = new Int32Array(cin), v = new Float32Array(cin);
  for (let i = 0; i < n; i++) {
    let nz = 0;
    for (let ci = 0; ci < cin; ci++) if (x[ci * n + i] !== 0) { at[nz] = ci * taps; v[nz++] = x[ci * n + i]; }
    const c = i * taps;
    let j = 0;
    for (; j + 3 < nz; j += 4) {
      const v0 = v[j], v1 = v[j + 1], v2 = v[j + 2], v3 = v[j + 3];
      const w0 = at[j], w1 = at[j + 1], w2 = at[j + 2], w3 = at[j + 3];
      for (let r = 0; r < taps; r++) cols[c + r] += v0 * w[w0 + r] + v1 * w[w1 + r] + v2 * w[w2 + r] + v3 * w[w3 + r];
    }
    for (; j < nz; j++) for (let r = 0, v0 = v[j], w0 = at[j]; r < taps; r++) cols[c + r] += v0 * w[w0 + r];
  }
  const m = out * out, y = new Float32Array(cout * B * m);
  for (let b = 0; b < B; b++) for (let iy = 0; iy < side; iy++) for (let ix = 0; ix < side; ix++) {
    const c = ((b * side + iy) * side + ix) * taps;
    for (let co = 0; co < cout; co++) for (let ky = 0; ky < k; ky++) {
      const oy = iy * s - pad + ky;
      if (oy < 0 || oy >= out) continue;
      const yo = ((co * B + b) * out + oy) * out, r = c + (co * k + ky) * k;
      for (let kx = 0; kx < k; kx++) {
        const ox = ix * s - pad + kx;
        if (ox >= 0 && ox < out) y[yo + ox] += cols[r + kx];
      }
    }
  }
  return [addBias(y, l.b, B * m), out];
}

function maxPool(x, k, side, maps) {  // (maps, side, side) -> (maps, out, out), out = floor(side / k)
  const out = Math.floor(side / k), y = new Float32Array(maps * out * out);
  for (let m = 0; m < maps; m++) for (let oy = 0; oy < out; oy++) for (let ox = 0; ox < out; ox++) {
    let best = -Infinity;
    for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      best = Math.max(best, x[(m * side + oy * k + ky) * side + ox * k + kx]);
    }
    y[(m * out + oy) * out + ox] = best;
  }
  return [y, out];
}

function softmax(x, B) {  // (n, B): each column to probabilities
  const n = x.length / B, y = new Float32Array(x.length);
  for (let b = 0; b < B; b++) {
    let top = -Infinity, sum = 0;
    for (let i = 0; i < n; i++) top = Math.max(top, x[i * B + b]);
    for (let i = 0; i < n; i++) sum += (y[i * B + b] = Math.exp(x[i * B + b] - top));
    for (let i = 0; i < n; i++) y[i * B + b] /= sum;
  }
  return y;
}

function regroup(x, channels, area, B, toImage) {  // (channels area, B) <-> (channels, B, area)
  const y = new Float32Array(x.length);
  for (let c = 0; c < channels; c++) for (let p = 0; p < area; p++) for (let b = 0; b < B; b++) {
    const flat = (c * area + p) * B + b, image = (c * B + b) * area + p;
    if (toImage) y[image] = x[flat]; else y[flat] = x[image];
  }
  return y;
}

/** Run a stack of layers on B inputs, channel-major (features, B) or (channels, B, side, side);
 * `side` is the feature map's side where the inputs are images. */
export function run(layers, input, B = 1, side = 0) {
  let x = Float32Array.from(input), channels = 1;
  for (const l of layers) {
    if (l.op === "linear") x = linear(x, l, B);
    else if (l.op === "relu") x = x.map((v) => (v > 0 ? v : 0));
    else if (l.op === "unflatten") [x, side, channels] = [regroup(x, l.channels, l.side ** 2, B, true), l.side, l.channels];
    else if (l.op === "flatten") [x, side] = [regroup(x, channels, side ** 2, B, false), 0];
    else if (l.op === "conv") [[x, side], channels] = [conv(x, l, side, B), l.cout];
    else if (l.op === "conv_transpose") [[x, side], channels] = [convTranspose(x, l, side, B), l.cout];
    else if (l.op === "sigmoid") x = x.map((v) => 1 / (1 + Math.exp(-v)));
    else if (l.op === "maxpool") [x, side] = maxPool(x, l.k, side, channels * B);
    else if (l.op === "softmax") x = softmax(x, B);
    else throw new Error(`unknown layer ${l.op}`);
  }
  return x;
}

/** dec(z) for B codes (a list of (latent_dim,) codes) -> B digits of 28 x 28 pixels in [0, 1],
 * one after another (Float32Array, B x 784, row-major). */
export function decodeMany(decoder, codes) {
  const B = codes.length, d = decoder.latent_dim, x = new Float32Array(d * B);
  codes.forEach((z, b) => { for (let i = 0; i < d; i++) x[i * B + b] = z[i]; });
  return run(decoder.layers, x, B);
}

/** dec(z): a code (latent_dim,) -> 28 x 28 pixels in [0, 1] (Float32Array, row-major). */
export function decode(decoder, z) {
  return run(decoder.layers, z);
}

/** enc(x): 28 x 28 pixels in [0, 1] -> {mu, logvar} (logvar null for an autoencoder). */
export function encode(encoder, x) {
  const h = run(encoder.layers, x, 1, 28);
  return { mu: linear(h, encoder.mu, 1), logvar: encoder.logvar ? linear(h, encoder.logvar, 1) : null };
}

/** The classifier's probabilities (10,) that 28 x 28 pixels in [0, 1] show each digit. */
export function classify(classifier, x) {
  return run(classifier.layers, x, 1, 28);
}

/** "looks like a 3 (94 %)": the classifier's reading of pixels x, in words. */
export function reading(classifier, x) {
  const p = classify(classifier, x), best = p.indexOf(Math.max(...p));
  return `looks like ${best === 8 ? "an" : "a"} ${best} (${Math.round(100 * p[best])} %)`;
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
