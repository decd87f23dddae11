// Draw your digit: the pen's strokes become an MNIST digit here, by the steps of
// `core.digitize` (grey, full contrast, cropped to the ink, Lanczos into 20 x 20 as PIL does
// it, centred by mass in 28 x 28), and the VAE's encoder reads it at every move of the pen:
// mu, sigma, the 1 and 2 sigma ellipses, samples z = mu + sigma * eps and the reconstruction
// follow the pen. The picture goes to the server when the pen lifts.

const INK_LEVEL = 0.2, MIN_CONTRAST = 0.15, MAX_INK = 0.6, BOX = 20, SIDE = 28;

function roundHalfEven(v) {  // Python's round()
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function lanczos(x) {  // PIL's LANCZOS filter (a = 3)
  const sinc = (t) => (t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t));
  return x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

/** PIL's resampling weights for one axis (Resample.c, precompute_coeffs): per output pixel the
 * first input pixel and the normalised weights, in double precision. */
function weights(inSize, outSize) {
  const scale = inSize / outSize, filterscale = Math.max(1, scale), support = 3 * filterscale;
  const out = [];
  for (let xx = 0; xx < outSize; xx++) {
    const centre = (xx + 0.5) * scale, ss = 1 / filterscale;
    const xmin = Math.max(0, Math.trunc(centre - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(centre + support + 0.5)) - xmin;
    const k = [];
    let ww = 0;
    for (let x = 0; x < xmax; x++) { const w = lanczos((x + xmin - centre + 0.5) * ss); k.push(w); ww += w; }
    out.push([xmin, ww === 0 ? k : k.map((w) => w / ww)]);
  }
  return out;
}

/** Resize a float image (h, w) to (outH, outW) as PIL's Image.resize(LANCZOS) does in mode "F":
 * the horizontal pass, then the vertical one, each only where the size changes. */
function resizeLanczos(image, h, w, outH, outW) {
  let current = image, cw = w;
  if (outW !== w) {
    const next = new Float32Array(h * outW), coeffs = weights(w, outW);
    for (let y = 0; y < h; y++) coeffs.forEach(([xmin, k], xx) => {
      let s = 0;
      for (let x = 0; x < k.length; x++) s += current[y * w + xmin + x] * k[x];
      next[y * outW + xx] = s;
    });
    current = next; cw = outW;
  }
  if (outH !== h) {
    const next = new Float32Array(outH * cw), coeffs = weights(h, outH);
    coeffs.forEach(([ymin, k], yy) => {
      for (let x = 0; x < cw; x++) {
        let s = 0;
        for (let y = 0; y < k.length; y++) s += current[(ymin + y) * cw + x] * k[y];
        next[yy * cw + x] = s;
      }
    });
    current = next;
  }
  return current;
}

/** A canvas's RGBA pixels (light ink on black) -> {x: 28 x 28 in [0, 1]} as `core.digitize`
 * makes it with light_ink=True, or {error} saying what to do. */
export function digitizeCanvas(rgba, w, h) {
  const f = Math.fround, grey = new Float32Array(w * h);
  let low = Infinity, high = -Infinity;
  for (let i = 0; i < w * h; i++) {  // ITU-R 601 luma, in float32 like numpy's
    const v = f(f(f(f(rgba[4 * i] / 255) * f(0.299)) + f(f(rgba[4 * i + 1] / 255) * f(0.587)))
                + f(f(rgba[4 * i + 2] / 255) * f(0.114)));
    grey[i] = v; low = Math.min(low, v); high = Math.max(high, v);
  }
  if (f(high - low) < MIN_CONTRAST) return { error: "The canvas is empty: draw a digit." };
  let inked = 0, top = h, bottom = -1, left = w, right = -1;
  for (let i = 0; i < w * h; i++) {
    const v = f(f(grey[i] - f(low)) / f(high - low));
    grey[i] = v;
    if (v > INK_LEVEL) {
      inked++;
      const r = Math.floor(i / w), c = i % w;
      top = Math.min(top, r); bottom = Math.max(bottom, r); left = Math.min(left, c); right = Math.max(right, c);
    }
  }
  if (inked / (w * h) > MAX_INK) return { error: "Most of the canvas is ink: clear it and draw the digit with a few strokes." };
  const ch = bottom - top + 1, cw = right - left + 1, cropped = new Float32Array(ch * cw);
  for (let r = 0; r < ch; r++) cropped.set(grey.subarray((top + r) * w + left, (top + r) * w + left + cw), r * cw);
  const scale = BOX / Math.max(ch, cw);
  const bw = Math.max(1, roundHalfEven(cw * scale)), bh = Math.max(1, roundHalfEven(ch * scale));
  const boxed = resizeLanczos(cropped, ch, cw, bh, bw).map((v) => Math.min(1, Math.max(0, v)));
  let mass = 0, sr = 0, sc = 0;
  for (let r = 0; r < bh; r++) for (let c = 0; c < bw; c++) {
    const v = boxed[r * bw + c]; mass += v; sr += r * v; sc += c * v;
  }
  const clip = (v, hi) => Math.min(hi, Math.max(0, v));
  const y0 = clip(roundHalfEven(SIDE / 2 - 0.5 - sr / mass), SIDE - bh), x0 = clip(roundHalfEven(SIDE / 2 - 0.5 - sc / mass), SIDE - bw);
  const x = new Float32Array(SIDE * SIDE);
  for (let r = 0; r < bh; r++) x.set(boxed.subarray(r * bw, (r + 1) * bw), (y0 + r) * SIDE + x0);
  return { x, cropped: [cw, ch], boxed: [bw, bh] };
}

function drawView(root, header, arrays, { decoder, encoder, mapEncoder, classifier, setStateValue }) {
  const { d, lut } = header, PEN = 20, W = 280;
  if (!root.querySelector(".ll-draw")) {
    root.insertAdjacentHTML("beforeend", `<div class="ll-draw">
      <div class="ll-pad"><canvas width="${W}" height="${W}" class="ll-canvas" data-testid="ll-canvas"
          aria-label="Drawing canvas: draw one digit with the mouse, a finger or a pen"></canvas>
        <div class="ll-buttons"><button type="button" class="ll-undo">Undo stroke</button>
          <button type="button" class="ll-clear">Clear</button></div></div>
      <div class="ll-live">
        <div class="ll-row">
          <figure><canvas width="28" height="28" class="ll-x" data-testid="ll-x"></canvas><figcaption>your digit, 28 × 28</figcaption></figure>
          <figure><canvas width="28" height="28" class="ll-xhat" data-testid="ll-xhat"></canvas><figcaption>dec(μ): the VAE's reconstruction</figcaption></figure>
          <figure class="ll-map-box"${arrays.map_codes ? "" : " hidden"}><canvas width="220" height="220" class="ll-post" data-testid="ll-post" role="img"
            aria-label="Your digit's posterior, its 1σ and 2σ ellipses, among the test codes on the 2-D VAE's plane"></canvas>
            <figcaption>${header.map_title}</figcaption></figure>
        </div>
        <p class="ll-title">μ ± σ per dimension (grey band: the prior's ±1)</p>
        <canvas class="ll-bars-canvas" data-testid="ll-mu" height="120" role="img"
          aria-label="μ ± σ of your digit's posterior in each latent dimension, over the prior's band from −1 to 1"></canvas>
        <p class="ll-title">8 codes z = μ + σ·ε, decoded</p>
        <canvas class="ll-samples" data-testid="ll-samples" width="${8 * 28}" height="28" role="img"
          aria-label="Eight codes drawn from your digit's posterior, decoded"></canvas>
        <p class="ll-said" aria-live="polite">Draw a digit: everything here follows your pen.</p>
      </div></div>`);
  }
  const $ = (s) => root.querySelector(s), pad = $(".ll-canvas"), pen = pad.getContext("2d", { willReadFrequently: true });
  if (!root.strokes || root.dataset.version !== String(header.version)) {
    root.dataset.version = String(header.version);
    root.strokes = header.strokes || [];
    repaint();
  }
  function repaint() {
    pen.fillStyle = "#000"; pen.fillRect(0, 0, W, W);
    pen.strokeStyle = "#fff"; pen.lineWidth = PEN; pen.lineCap = "round"; pen.lineJoin = "round";  // kept for the pieces drawn as the pen moves
    for (const stroke of root.strokes) {
      pen.beginPath();
      pen.moveTo(stroke[0], stroke[1]);
      for (let i = 2; i < stroke.length; i += 2) pen.lineTo(stroke[i], stroke[i + 1]);
      if (stroke.length === 2) pen.lineTo(stroke[0] + 0.01, stroke[1]);
      pen.stroke();
    }
  }
  const show = (canvas, pixels) => {
    const context = canvas.getContext("2d"), image = context.createImageData(canvas.width, canvas.height);
    pixels.forEach((x, i) => paint(image, x, lut, i * 28, 0));
    context.putImageData(image, 0, 0);
  };
  const bars = (mu, sigma) => {
    const canvas = $(".ll-bars-canvas"), context = canvas.getContext("2d");
    if (canvas.width !== Math.max(240, d * 24)) canvas.width = Math.max(240, d * 24);
    const H = canvas.height, y = (v) => H / 2 - (v / 4) * (H / 2), cw = canvas.width / d;
    context.clearRect(0, 0, canvas.width, H);
    context.fillStyle = "#e6e6e6"; context.fillRect(0, y(1), canvas.width, y(-1) - y(1));
    context.font = "10px sans-serif"; context.textAlign = "center";
    for (let j = 0; j < d; j++) {
      const cx = (j + 0.5) * cw;
      context.strokeStyle = "#4e79a7"; context.lineWidth = 3; context.beginPath();
      context.moveTo(cx, y(mu[j] - sigma[j])); context.lineTo(cx, y(mu[j] + sigma[j])); context.stroke();
      context.fillStyle = "#c0392b"; context.beginPath(); context.arc(cx, y(mu[j]), 3.5, 0, 2 * Math.PI); context.fill();
      context.fillStyle = "#333"; context.fillText(`z${j}`, cx, H - 2);
    }
  };
  const posteriorMap = (mu, sigma) => {  // the 2-D VAE's plane: test codes, mu, 1 and 2 sigma
    if (!arrays.map_codes || !mu) return;
    const canvas = $(".ll-post"), context = canvas.getContext("2d"), S = canvas.width, R = 4;
    const px = (v) => ((v + R) / (2 * R)) * S, py = (v) => S - ((v + R) / (2 * R)) * S;
    if (!root.plane || root.plane.for !== header.version) {  // the test codes drawn once, then copied under each new posterior
      root.plane = new OffscreenCanvas(S, S);
      root.plane.for = header.version;
      const plane = root.plane.getContext("2d"), codes = arrays.map_codes, labels = arrays.map_labels;
      plane.strokeStyle = "#999"; plane.strokeRect(0.5, 0.5, S - 1, S - 1);
      plane.globalAlpha = 0.5;
      for (let i = 0; i < labels.length; i++) {
        plane.fillStyle = DIGIT_COLOURS[labels[i]];
        plane.fillRect(px(codes[2 * i]) - 1, py(codes[2 * i + 1]) - 1, 2, 2);
      }
      plane.globalAlpha = 1;
      nameDigits(plane, digitCentres((i) => px(codes[2 * i]), (i) => py(codes[2 * i + 1]), labels));
    }
    context.clearRect(0, 0, S, S);
    context.drawImage(root.plane, 0, 0);
    context.strokeStyle = "#000"; context.lineWidth = 1.5;
    for (const k of [1, 2]) {
      context.beginPath();
      context.ellipse(px(mu[0]), py(mu[1]), Math.max(1, (k * sigma[0] * S) / (2 * R)),
                      Math.max(1, (k * sigma[1] * S) / (2 * R)), 0, 0, 2 * Math.PI);
      context.stroke();
    }
    context.lineWidth = 2.5;
    context.beginPath(); context.moveTo(px(mu[0]) - 6, py(mu[1])); context.lineTo(px(mu[0]) + 6, py(mu[1]));
    context.moveTo(px(mu[0]), py(mu[1]) - 6); context.lineTo(px(mu[0]), py(mu[1]) + 6); context.stroke();
  };
  const read = () => {  // the pen moved: digitize, encode, decode, here
    const started = performance.now();
    const made = digitizeCanvas(pen.getImageData(0, 0, W, W).data, W, W);
    if (made.error) { $(".ll-said").textContent = made.error; root.x = null; return; }
    const { mu, logvar } = encode(encoder, made.x), sigma = Array.from(logvar, (v) => Math.exp(0.5 * v));
    show($(".ll-x"), [made.x]);
    show($(".ll-xhat"), [decode(decoder, mu)]);
    bars(mu, sigma);
    // the eight samples in a worker (`grid.js`): they follow a moment later without holding
    // up the frame that shows the digit
    drawGrid($(".ll-samples"), decoder, Array.from({ length: 8 }, (_, i) =>
      Array.from(mu, (m, j) => m + sigma[j] * header.eps[i * d + j])), 8, lut);
    const mapped = mapEncoder ? encode(mapEncoder, made.x) : d === 2 ? { mu, logvar } : null;
    if (mapped) posteriorMap(mapped.mu, Array.from(mapped.logvar, (v) => Math.exp(0.5 * v)));
    const narrow = sigma.filter((s) => s < 0.5).length;
    const said = `μ = (${Array.from(mu, (m) => m.toFixed(2)).join(", ")}); ` +
      `σ is below 0.5 in ${narrow} of ${d} dimensions.`;
    $(".ll-said").textContent = said;
    sayReading(root, $(".ll-said"), classifier, made.x, `${said} Your digit `);
    root.x = made.x;
    const x = $(".ll-x");
    x.dataset.draws = String(Number(x.dataset.draws || 0) + 1);
    x.dataset.mu = Array.from(mu).join(",");
    x.dataset.ms = (performance.now() - started).toFixed(1);
  };
  // Browsers deliver pointer moves once a frame (coalesced), so each move is read at once.
  const readSoon = read;
  const send = () => setStateValue("drawing", root.strokes.length
    ? { png: pad.toDataURL("image/png"), strokes: root.strokes } : { png: null, strokes: [] });
  const point = (event) => {
    const box = pad.getBoundingClientRect();
    return [Math.round(((event.clientX - box.left) / box.width) * W * 10) / 10,
            Math.round(((event.clientY - box.top) / box.height) * W * 10) / 10];
  };
  pad.onpointerdown = (event) => {
    pad.setPointerCapture(event.pointerId);
    root.drawing = point(event);
    root.strokes.push(root.drawing);
    repaint();
    readSoon();
  };
  pad.onpointermove = (event) => {
    if (!root.drawing) return;
    const stroke = root.drawing, from = stroke.length;
    for (const e of event.getCoalescedEvents ? event.getCoalescedEvents() : [event]) stroke.push(...point(e));
    // only the new piece of the stroke is drawn: repainting every stroke costs more than the models
    pen.beginPath();
    pen.moveTo(stroke[from - 2], stroke[from - 1]);
    for (let i = from; i < stroke.length; i += 2) pen.lineTo(stroke[i], stroke[i + 1]);
    pen.stroke();
    readSoon();
  };
  pad.onpointerup = pad.onpointercancel = () => {
    if (!root.drawing) return;
    root.drawing = null;
    send();
  };
  $(".ll-undo").onclick = () => { root.strokes.pop(); repaint(); read(); send(); };
  $(".ll-clear").onclick = () => { root.strokes = []; repaint(); read(); send(); };
  const key = [decoder.name, encoder.name, header.cmap, root.strokes.length].join("|");
  if (root.dataset.drawn !== key) { read(); root.dataset.drawn = key; }
}
