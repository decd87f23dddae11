// What the map views share: the digits' colours, form controls, the base codes a view offers,
// the nearest points to the pointer, and grids decoded in Web Workers.

// DIGIT_COLOURS, the digits' colours, is `core.palette.DIGITS`: live.py writes it ahead of
// these scripts, so the maps colour digits as the lessons' Altair charts do.

/** Where each digit's points are: the median of their (x, y) on the canvas, digit -> [x, y]
 * (null for a digit with no points). */
function digitCentres(x, y, labels) {
  const median = (v) => { v.sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
  return Array.from({ length: 10 }, (_, k) => {
    const xs = [], ys = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === k) { xs.push(x(i)); ys.push(y(i)); }
    return xs.length ? [median(xs), median(ys)] : null;
  });
}

/** Each digit written at its centre, black on a white halo: colour is never the only way to
 * tell the digits apart on a map. */
function nameDigits(context, centres) {
  context.save();
  context.font = "bold 15px sans-serif"; context.textAlign = "center"; context.textBaseline = "middle";
  context.lineWidth = 4; context.strokeStyle = "rgba(255,255,255,0.9)"; context.fillStyle = "#000";
  centres.forEach((c, k) => { if (c) { context.strokeText(String(k), c[0], c[1]); context.fillText(String(k), c[0], c[1]); } });
  context.restore();
}

/** After the student pauses (a quarter of a second), say in `el` what the classifier reads in
 * the pixels x just drawn: `before` + "looks like a 3 (94 %)". `el` is a live region, so a
 * screen reader says it; reading at every step of a drag would cost as much as the drawing. */
function sayReading(root, el, classifier, x, before) {
  clearTimeout(root.readTimer);
  if (!classifier) return;
  root.readTimer = setTimeout(() => { el.textContent = before + reading(classifier, x); }, 250);
}

/** "a 3", "an 8". */
function aDigit(k) { return k === 8 ? "an 8" : `a ${k}`; }

function html(root, text) { root.insertAdjacentHTML("beforeend", text); }

/** Send a view's settings once the student pauses (0.4 s): a run of key presses on a slider is
 * one change to the server, whose rerun then does not compete with the grid being drawn. */
function sendLater(root, setStateValue, settings) {
  clearTimeout(root.sendTimer);
  root.sendTimer = setTimeout(() => setStateValue("view", settings()), 400);
}

function select(label, options, value, cls) {
  const items = options.map(([v, text]) =>
    `<option value="${v}"${String(v) === String(value) ? " selected" : ""}>${text}</option>`);
  return `<label class="ll-field ${cls}"><span>${label}</span><select>${items.join("")}</select></label>`;
}

function number(label, value, min, max, step, cls) {
  return `<label class="ll-field ${cls}"><span>${label}</span><input type="number" value="${value}"
    min="${min}" max="${max}" step="${step}" inputmode="decimal"></label>`;
}

/** The base-code choices a view offers: zeros, a random draw, each digit's prototype, extras. */
function baseOptions(header) {
  const options = [["zeros", "zeros"], ["random", "a random draw"]];
  if (header.prototypes) for (let k = 0; k < 10; k++) options.push([`p${k}`, `the prototype of ${k}`]);
  if (header.sliders) options.push(["sliders", "the sliders' current code"]);
  return options;
}

/** The base code for a choice: (d,) numbers. A random draw is a fresh N(0, I) each pick. */
function baseCode(choice, header, arrays) {
  const d = header.d;
  if (choice === "random") {
    return Array.from({ length: d }, () =>  // Box-Muller
      Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random()));
  }
  if (choice.startsWith("p")) return Array.from(arrays.prototypes.subarray(+choice.slice(1) * d, (+choice.slice(1) + 1) * d));
  if (choice === "sliders") return header.sliders;
  return new Array(d).fill(0);
}

// Grids decode in Web Workers, so the page stays responsive while a grid of a hundred or more
// digits is drawn: each worker runs the same layer functions as `nn.js` (their source, sent
// once) and gets a model's layers once. Rows go out one at a time to whichever worker is free,
// so a grid shows row by row, and a grid replaced by a newer one (a slider dragged on) stops
// after the rows already out. One grid at a time per page: the newest takes the workers.
const WORKER_SOURCE = [gemm, addBias, linear, conv, convTranspose, regroup, run, decodeMany]
  .map(String).join("\n") + `
  const models = new Map();
  onmessage = ({ data }) => {
    if (data.model) { models.set(data.name, data.model); return; }
    const out = decodeMany(models.get(data.name), data.codes);  // the row as one batch
    postMessage({ job: data.job, row: data.row, pixels: out }, [out.buffer]);
  };`;
const pool = (globalThis.latentLabWorkers ??= { workers: [], sent: new Set(), job: 0, current: null });

function workers(decoder) {
  if (!pool.workers.length) {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    const n = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2)));
    for (let i = 0; i < n; i++) {
      const worker = new Worker(url);
      worker.onmessage = ({ data }) => pool.current?.(worker, data);  // the latest grid feeds it
      pool.workers.push(worker);
    }
  }
  if (!pool.sent.has(decoder.name)) {
    pool.workers.forEach((w) => w.postMessage({ name: decoder.name, model: decoder }));
    pool.sent.add(decoder.name);
  }
  return pool.workers;
}

/** Decode `codes` (a list of (d,) codes) into a canvas grid, `columns` digits a row, painted
 * row by row as the workers return them. Resolves with the milliseconds the grid took. */
function drawGrid(canvas, decoder, codes, columns, lut) {
  const rows = Math.ceil(codes.length / columns), started = performance.now();
  canvas.width = columns * 28;
  canvas.height = rows * 28;
  const context = canvas.getContext("2d"), job = ++pool.job;
  if (!context) throw new Error("this browser gives no canvas to draw on");  // the server draws
  const finish = () => {
    canvas.dataset.draws = String(Number(canvas.dataset.draws || 0) + 1);
    canvas.dataset.ms = (performance.now() - started).toFixed(1);
    return performance.now() - started;
  };
  let crew;
  try { crew = workers(decoder); } catch { crew = null; }
  if (!crew) {  // no workers (a strict page policy): decode here
    const image = context.createImageData(canvas.width, canvas.height);
    const x_hat = decodeMany(decoder, codes);
    codes.forEach((_, i) => paint(image, x_hat.subarray(i * 784, (i + 1) * 784), lut, (i % columns) * 28, Math.floor(i / columns) * 28));
    context.putImageData(image, 0, 0);
    return Promise.resolve(finish());
  }
  let next = 0, done = 0;
  const feed = (worker) => {
    if (next >= rows) return;
    const row = next++;
    worker.postMessage({ name: decoder.name, job, row, codes: codes.slice(row * columns, (row + 1) * columns) });
  };
  return new Promise((resolve) => {
    pool.current = (worker, data) => {
      if (data.job === job) {
        const image = context.createImageData(canvas.width, 28);
        for (let i = 0; i < data.pixels.length / 784; i++) {
          paint(image, data.pixels.subarray(i * 784, (i + 1) * 784), lut, i * 28, 0);
        }
        context.putImageData(image, 0, data.row * 28);
        if (++done === rows) resolve(finish());
      }
      feed(worker);  // a finished row, of this grid or an older one: the worker takes the next
    };
    crew.forEach(feed);
  });
}

/** Where the five points of xy (n x 2, flat) nearest (u, v) are, nearest first. */
function nearest(xy, u, v, count = 5) {
  const order = [];
  for (let i = 0; i < xy.length / 2; i++) order.push([(xy[2 * i] - u) ** 2 + (xy[2 * i + 1] - v) ** 2, i]);
  order.sort((p, q) => p[0] - q[0]);
  return order.slice(0, count).map(([, i]) => i);
}

