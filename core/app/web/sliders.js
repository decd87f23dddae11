// Latent sliders that decode in the browser: the decoder's layers run here, in plain
// JavaScript, so a slider redraws the digit while it is dragged, with no round trip to the
// server. `core/websliders.py` sends the layers (`decoder_spec`) and reads the code back.

const HALF = new Float32Array(65536);  // every float16 bit pattern's value, filled once
for (let h = 0; h < 65536; h++) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  HALF[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity)
                    : s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Float32Array from base64 little-endian float16 (how `decoder_spec` packs weights). */
export function halfs(base64) {
  const text = atob(base64), bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const h = new Uint16Array(bytes.buffer), out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = HALF[h[i]];
  return out;
}

/** The spec's layers with their weights unpacked (done once per model). */
export function unpack(spec) {
  return spec.layers.map((l) => (l.w ? { ...l, w: halfs(l.w), b: halfs(l.b) } : l));
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

// A convolution loops over one weight at a time and sweeps the rows it touches, so the
// innermost loop has no bounds tests.
function conv(x, l, side) {  // (cin, side, side) -> (cout, side, side); stride 1, "same" padding
  const { cin, cout, k, pad, w } = l, n = side * side, y = new Float32Array(cout * n);
  for (let co = 0; co < cout; co++) {
    y.fill(l.b[co], co * n, (co + 1) * n);
    for (let ci = 0; ci < cin; ci++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      const wv = w[((co * cin + ci) * k + ky) * k + kx], dy = ky - pad, dx = kx - pad;
      const x0 = Math.max(0, -dx), x1 = Math.min(side, side - dx);
      for (let oy = Math.max(0, -dy); oy < Math.min(side, side - dy); oy++) {
        const yo = co * n + oy * side, xi = ci * n + (oy + dy) * side + dx;
        for (let ox = x0; ox < x1; ox++) y[yo + ox] += wv * x[xi + ox];
      }
    }
  }
  return y;
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

/** dec(z): a code (latent_dim,) -> 28 x 28 pixels in [0, 1] (Float32Array, row-major). */
export function decode(layers, z) {
  let x = Float32Array.from(z), side = 0;
  for (const l of layers) {
    if (l.op === "linear") x = linear(x, l);
    else if (l.op === "relu") x = x.map((v) => (v > 0 ? v : 0));
    else if (l.op === "unflatten") side = l.side;
    else if (l.op === "conv") x = conv(x, l, side);
    else if (l.op === "conv_transpose") [x, side] = convTranspose(x, l, side);
    else if (l.op === "sigmoid") x = x.map((v) => 1 / (1 + Math.exp(-v)));
    else throw new Error(`unknown layer ${l.op}`);
  }
  return x;
}

const models = new Map();  // model key -> unpacked layers; the page sends each model once

function build(root, d, limit) {
  root.innerHTML = `
    <div class="ll-grid">
      <div class="ll-sliders"></div>
      <figure class="ll-picture">
        <canvas width="28" height="28" data-testid="ll-digit"></canvas>
        <figcaption class="ll-caption"></figcaption>
        <figcaption class="ll-title">The current code z: one bar per dimension, ±${limit} at
          the top and bottom edges</figcaption>
        <div class="ll-bars" role="img" aria-label="bar chart of the code z"></div>
        <figcaption class="ll-norm"></figcaption>
      </figure>
    </div>`;
  const column = root.querySelector(".ll-sliders"), bars = root.querySelector(".ll-bars");
  const perColumn = Math.ceil(d / 2);  // z0..z4 down the first column, z5..z9 the next
  for (let c = 0; c < 2; c++) column.appendChild(document.createElement("div"));
  for (let j = 0; j < d; j++) {
    const row = document.createElement("label");
    row.className = "ll-slider";
    row.innerHTML = `<span class="ll-name">z${j}</span><output>0.0</output>
      <input type="range" min="${-limit}" max="${limit}" step="0.1" value="0" aria-label="z${j}">`;
    column.children[Math.floor(j / perColumn)].appendChild(row);
    const bar = document.createElement("div");
    bar.className = "ll-bar";
    const tick = d <= 10 || j % 5 === 0 ? `z${j}` : "";  // twenty labels would overlap
    bar.innerHTML = `<span class="ll-fill"></span><span class="ll-tick">${tick}</span>`;
    bars.appendChild(bar);
  }
}

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  const { key, d, limit, version, z, lut, cmap, caption } = data;
  let root = parentElement.querySelector(".ll-root");
  if (!root || root.dataset.d !== String(d)) {
    root?.remove();
    root = document.createElement("div");
    root.className = "ll-root";
    root.dataset.d = String(d);
    parentElement.appendChild(root);
    build(root, d, limit);
  }
  if (data.spec) models.set(key, unpack(data.spec));
  const layers = models.get(key);
  if (!layers) {  // a new tab of an old session: ask for the weights again
    setTriggerValue("missing", key);
    return;
  }
  const inputs = [...root.querySelectorAll("input")], outputs = [...root.querySelectorAll("output")];
  const fills = [...root.querySelectorAll(".ll-fill")];
  const canvas = root.querySelector("canvas"), context = canvas.getContext("2d");
  const pixels = context.createImageData(28, 28);
  root.querySelector(".ll-caption").textContent = caption;

  const draw = () => {
    const code = inputs.map((input) => Number(input.value));
    const x = decode(layers, code);
    for (let i = 0; i < 784; i++) {
      const c = Math.round(Math.min(1, Math.max(0, x[i])) * 255) * 3;
      pixels.data.set([lut[c], lut[c + 1], lut[c + 2], 255], 4 * i);
    }
    context.putImageData(pixels, 0, 0);
    code.forEach((v, j) => {
      outputs[j].textContent = v.toFixed(1);
      const share = (50 * Math.abs(v)) / limit;  // half the bar's height is ±limit
      fills[j].style.cssText = `height:${share}%;${v >= 0 ? `bottom:50%` : `top:50%`};` +
        `background:${v >= 0 ? "#4c78a8" : "#f58518"}`;
    });
    const norm = Math.hypot(...code);
    root.querySelector(".ll-norm").textContent =
      `‖z‖ = ${norm.toFixed(2)}; a draw from N(0, I) has ‖z‖ ≈ √${d} = ${Math.sqrt(d).toFixed(2)}.`;
    canvas.dataset.draws = String(Number(canvas.dataset.draws || 0) + 1);
    root.dataset.drawn = [key, cmap, ...code].join(",");
  };
  // The server moves the sliders only when it sends a new version (a button, a prototype, a
  // code from another lesson); otherwise a rerun must not undo what the student dragged.
  if (root.dataset.version !== String(version) || root.dataset.model !== key) {
    inputs.forEach((input, j) => { input.value = z[j]; });
    root.dataset.version = String(version);
    root.dataset.model = key;
  }
  inputs.forEach((input) => {
    input.oninput = draw;  // every step of a drag, decoded here
    input.onchange = () => setStateValue("z", inputs.map((i) => Number(i.value)));  // on release
  });
  // The rerun that follows a release finds the digit drawn already: do not decode it again.
  if (root.dataset.drawn !== [key, cmap, ...inputs.map((input) => Number(input.value))].join(",")) {
    draw();
  }
}
