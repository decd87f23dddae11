// Latent manifold: a grid of decoded codes drawn here, redrawn as the student changes the
// dimensions, the range, the steps or the base code, and the digit under the pointer decoded
// large as it moves; the settings go back when a change is made, so the server's notices read
// the same grid. Embeddings: the map drawn here; pointing decodes the exact PCA inverse, or the
// nearest test code.

function manifoldView(root, header, arrays, { decoder, classifier, setStateValue }) {
  const { d, lut, centre, scale } = header;
  const dimOptions = Array.from({ length: d }, (_, j) => [j, `z${j}`]);
  if (!root.querySelector(".ll-controls")) {
    html(root, `<div class="ll-controls">
      ${select("Horizontal dimension", dimOptions, header.dx, "ll-dx")}
      ${select("Vertical dimension", dimOptions, header.dy, "ll-dy")}
      ${number("Range from", header.low, -8, 8, 0.5, "ll-low")}
      ${number("to", header.high, -8, 8, 0.5, "ll-high")}
      <label class="ll-field ll-steps"><span>Steps a side: <output>${header.steps}</output></span>
        <input type="range" min="3" max="20" step="1" value="${header.steps}"></label>
      ${select("Other dimensions from", baseOptions(header), header.base_choice, "ll-base")}
      <label class="ll-check"><input type="checkbox" class="ll-standard"${header.standard ? " checked" : ""}
        ${centre ? "" : " disabled"}> Standardised axes (z-scores of the test codes)</label>
    </div>
    <p class="ll-advice" role="alert" hidden></p>
    <div class="ll-maps">
      <figure><figcaption class="ll-title ll-map-title"></figcaption>
        <div class="ll-plot"><canvas class="ll-map" data-testid="ll-map" tabindex="0"
          aria-label="Decoded map: move the pointer or the arrow keys over it to decode a point"></canvas>
          <div class="ll-cursor" hidden></div></div>
        <figcaption class="ll-axes"></figcaption></figure>
      <figure class="ll-probe"><figcaption class="ll-title">The digit under the pointer</figcaption>
        <canvas width="28" height="28" class="ll-big" data-testid="ll-probe" role="img" aria-label="The digit at the point, decoded"></canvas>
        <figcaption class="ll-where" aria-live="polite">Point at the map or the scatter.</figcaption></figure>
      <figure class="ll-scatter-box"${arrays.codes ? "" : " hidden"}><figcaption class="ll-title ll-scatter-title"></figcaption>
        <canvas class="ll-scatter" data-testid="ll-scatter" width="360" height="360" tabindex="0"
          aria-label="Test codes on the same axes: point or use the arrow keys to decode, click or press Enter to pick the nearest digit"></canvas>
        <figcaption class="ll-legend">${DIGIT_COLOURS.map((c, k) =>
          `<span><i style="background:${c}"></i>${k}</span>`).join("")}</figcaption>
        <figcaption class="ll-near" aria-live="polite"></figcaption></figure>
    </div>
    <p class="ll-status" role="status"></p>`);
  }
  const $ = (s) => root.querySelector(s);
  const map = $(".ll-map"), probe = $(".ll-big"), scatter = $(".ll-scatter");
  if (root.dataset.version !== String(header.version)) {  // the server moved the settings
    root.dataset.version = String(header.version);
    root.base = header.base;
    root.picked = [...(header.picked || [])];
  }
  const settings = () => {
    const dx = +$(".ll-dx select").value, dy = +$(".ll-dy select").value;
    const low = +$(".ll-low input").value, high = +$(".ll-high input").value;
    const steps = +$(".ll-steps input").value, standard = $(".ll-standard").checked && !!centre;
    return { dx, dy, low, high, steps, standard, base: root.base,
             base_choice: $(".ll-base select").value, picked: root.picked };
  };
  // value on an axis -> z of dimension j, and back
  const toZ = (u, j, s) => (s.standard ? centre[j] + scale[j] * u : u);
  const fromZ = (z, j, s) => (s.standard ? (z - centre[j]) / scale[j] : z);
  const extent = (s) => { const half = (s.high - s.low) / (s.steps - 1) / 2; return [s.low - half, s.high + half]; };
  const codeAt = (u, v, s) => { const z = [...s.base]; z[s.dx] = toZ(u, s.dx, s); z[s.dy] = toZ(v, s.dy, s); return z; };

  const redraw = () => {
    const s = settings(), advice = $(".ll-advice");
    const wrong = s.dx === s.dy ? "Choose two different dimensions."
      : !(s.high > s.low) ? "Choose a range whose second end is larger than the first." : "";
    advice.hidden = !wrong;
    advice.textContent = wrong;
    if (wrong) return false;
    $(".ll-steps output").textContent = s.steps;
    const values = Array.from({ length: s.steps }, (_, i) => s.low + (i * (s.high - s.low)) / (s.steps - 1));
    const codes = [];
    for (const v of [...values].reverse()) for (const u of values) codes.push(codeAt(u, v, s));
    // a key press fires "input" and "change": one grid for both
    const gridKey = JSON.stringify([decoder.name, header.cmap, s.dx, s.dy, s.low, s.high, s.steps, s.standard, s.base]);
    if (root.gridKey !== gridKey) drawGrid(map, decoder, codes, s.steps, lut);
    root.gridKey = gridKey;
    const unit = s.standard ? "z-score" : "z", [a, b] = extent(s);
    $(".ll-map-title").textContent = header.title;
    $(".ll-axes").textContent = `Across: z${s.dx} (${unit}), up: z${s.dy} (${unit}), each from ${a.toFixed(1)} to ${b.toFixed(1)}.`;
    $(".ll-scatter-title").textContent = `${header.scatter_title}: z${s.dx} across, z${s.dy} up`;
    drawScatter(null);
    return true;
  };

  let near = [];
  function drawScatter(point) {
    if (!arrays.codes) return;
    const s = settings(), [a, b] = extent(s), context = scatter.getContext("2d");
    const n = arrays.labels.length, W = scatter.width, px = (u) => ((u - a) / (b - a)) * W;
    context.clearRect(0, 0, W, W);
    context.strokeStyle = "#888"; context.strokeRect(0.5, 0.5, W - 1, W - 1);
    const x = (i) => px(fromZ(arrays.codes[i * d + s.dx], s.dx, s));
    const y = (i) => W - px(fromZ(arrays.codes[i * d + s.dy], s.dy, s));
    for (let i = 0; i < n; i++) {
      context.fillStyle = DIGIT_COLOURS[arrays.labels[i]];
      context.fillRect(x(i) - 1.5, y(i) - 1.5, 3, 3);
    }
    const centresKey = JSON.stringify([s.dx, s.dy, s.low, s.high, s.steps, s.standard]);
    if (root.centresKey !== centresKey) root.centres = digitCentres(x, y, arrays.labels);
    root.centresKey = centresKey;
    nameDigits(context, root.centres);
    const ring = (i, colour, r) => {
      context.strokeStyle = colour; context.lineWidth = 2; context.beginPath();
      context.arc(px(fromZ(arrays.codes[i * d + s.dx], s.dx, s)), W - px(fromZ(arrays.codes[i * d + s.dy], s.dy, s)), r, 0, 2 * Math.PI);
      context.stroke();
    };
    root.picked.forEach((i) => ring(header.indices.indexOf(i), "#000", 7));
    near = [];
    if (point) {  // the five test codes nearest the pointer, on these axes
      const [u, v] = point, order = [];
      for (let i = 0; i < n; i++) {
        const du = fromZ(arrays.codes[i * d + s.dx], s.dx, s) - u, dv = fromZ(arrays.codes[i * d + s.dy], s.dy, s) - v;
        order.push([du * du + dv * dv, i]);
      }
      order.sort((p, q) => p[0] - q[0]);
      near = order.slice(0, 5).map(([, i]) => i);
      near.forEach((i) => ring(i, "#222", 5));
      $(".ll-near").textContent = `Nearest test codes here: ${near.map((i) => arrays.labels[i]).join(", ")}.`;
    }
  }

  const hover = (canvas, event) => {
    const s = settings(), [a, b] = extent(s), box = canvas.getBoundingClientRect();
    const u = a + ((event.clientX - box.left) / box.width) * (b - a);
    const v = b - ((event.clientY - box.top) / box.height) * (b - a);
    probeAt(u, v, s);
  };
  function probeAt(u, v, s) {
    const context = probe.getContext("2d"), image = context.createImageData(28, 28), z = codeAt(u, v, s);
    const x = decode(decoder, z);
    paint(image, x, lut);
    probe.dataset.code = z.join(",");
    context.putImageData(image, 0, 0);
    probe.dataset.draws = String(Number(probe.dataset.draws || 0) + 1);
    probe.dataset.at = `${u.toFixed(3)},${v.toFixed(3)}`;
    const where = `Decoded at (z${s.dx}, z${s.dy}) = (${u.toFixed(2)}, ${v.toFixed(2)})` +
      (s.standard ? " in z-scores" : "");
    $(".ll-where").textContent = where + ".";
    sayReading(root, $(".ll-where"), classifier, x, where + ": ");
    drawScatter([u, v]);
    const [a, b] = extent(s), cursor = $(".ll-cursor");
    cursor.hidden = false;
    cursor.style.left = `${((u - a) / (b - a)) * 100}%`;
    cursor.style.top = `${((b - v) / (b - a)) * 100}%`;
    root.point = [u, v];
  }
  for (const canvas of [map, scatter]) {
    canvas.onpointermove = canvas.onpointerdown = (event) => hover(canvas, event);
    canvas.onkeydown = (event) => {  // arrow keys move the point a tenth of the range
      if (canvas === scatter && (event.key === "Enter" || event.key === " ")) {  // the keyboard's click
        event.preventDefault();
        pick();
        return;
      }
      const s = settings(), [a, b] = extent(s), step = (b - a) / 20;
      const [u, v] = root.point || [(a + b) / 2, (a + b) / 2];
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (!moves[event.key]) return;
      event.preventDefault();
      probeAt(Math.min(b, Math.max(a, u + moves[event.key][0])), Math.min(b, Math.max(a, v + moves[event.key][1])), s);
    };
  }
  const pick = () => {  // pick (or drop) the nearest test digit: the server decodes its full code
    if (!near.length) return;
    const index = header.indices[near[0]], at = root.picked.indexOf(index);
    if (at >= 0) root.picked.splice(at, 1); else root.picked.push(index);
    $(".ll-status").textContent = `${at >= 0 ? "Dropped" : "Picked"} test digit #${index} (${aDigit(arrays.labels[near[0]])}): ` +
      `${root.picked.length} picked, decoded below the map.`;
    setStateValue("view", settings());
  };
  scatter.onclick = pick;
  const changed = () => { if (redraw()) sendLater(root, setStateValue, settings); };
  for (const c of [".ll-dx select", ".ll-dy select", ".ll-low input", ".ll-high input", ".ll-standard"]) $(c).onchange = changed;
  $(".ll-steps input").oninput = redraw;  // redrawn at every step of the drag, sent on release
  $(".ll-steps input").onchange = changed;
  $(".ll-base select").onchange = (event) => { root.base = baseCode(event.target.value, header, arrays); changed(); };
  const key = [decoder.name, header.cmap, JSON.stringify(settings())].join("|");
  if (root.dataset.drawn !== key) {
    if (redraw()) { const s = settings(); probeAt(...(root.point || [(s.low + s.high) / 2, (s.low + s.high) / 2]), s); }
    root.dataset.drawn = key;
  }
}

function embeddingView(root, header, arrays, { decoder, classifier, setStateValue }) {
  const { d, lut, method, bounds } = header, { xy, labels, codes } = arrays;
  if (!root.querySelector(".ll-maps")) {
    html(root, `<div class="ll-maps ll-two">
      <figure><figcaption class="ll-title">${header.title}</figcaption>
        <canvas class="ll-scatter" data-testid="ll-embedding" width="560" height="560" tabindex="0"
          aria-label="${method} map of the test codes: move the pointer or the arrow keys to decode, click or press Enter to pick the point"></canvas>
        <figcaption class="ll-legend">${DIGIT_COLOURS.map((c, k) =>
          `<span><i style="background:${c}"></i>${k}</span>`).join("")}</figcaption></figure>
      <figure class="ll-probe"><figcaption class="ll-title">${method === "PCA"
        ? "The code at exactly this point of the plane, decoded" : "The nearest test code, decoded"}</figcaption>
        <canvas width="28" height="28" class="ll-big" data-testid="ll-probe" role="img" aria-label="The digit at the point, decoded"></canvas>
        <figcaption class="ll-where" aria-live="polite">Point at the map.</figcaption>
        <figcaption class="ll-near"></figcaption></figure></div>
      <p class="ll-status" role="status"></p>`);
  }
  const $ = (s) => root.querySelector(s), canvas = $(".ll-scatter"), probe = $(".ll-big");
  const [x0, x1, y0, y1] = bounds, W = canvas.width;
  const px = (u) => ((u - x0) / (x1 - x0)) * W, py = (v) => W - ((v - y0) / (y1 - y0)) * W;
  if (root.dataset.version !== String(header.version)) {
    root.dataset.version = String(header.version);
    root.picked = [...(header.picked || [])];
  }
  let centres = null;  // the map's points do not move: their digits' centres are found once
  const draw = (near) => {
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, W, W);
    for (let i = 0; i < labels.length; i++) {
      context.fillStyle = DIGIT_COLOURS[labels[i]];
      context.fillRect(px(xy[2 * i]) - 1.5, py(xy[2 * i + 1]) - 1.5, 3, 3);
    }
    if (!centres) centres = digitCentres((i) => px(xy[2 * i]), (i) => py(xy[2 * i + 1]), labels);
    nameDigits(context, centres);
    context.lineWidth = 2;
    for (const [u, v] of root.picked) {
      context.strokeStyle = "#000"; context.beginPath(); context.arc(px(u), py(v), 8, 0, 2 * Math.PI); context.stroke();
    }
    for (const i of near) {
      context.strokeStyle = "#222"; context.beginPath(); context.arc(px(xy[2 * i]), py(xy[2 * i + 1]), 5, 0, 2 * Math.PI); context.stroke();
    }
  };
  const probeAt = (u, v) => {
    const near = nearest(xy, u, v);
    let z;
    if (method === "PCA") {  // PCA is linear: the plane's point maps back to one code
      const [c0, c1] = header.components;
      z = header.mean.map((m, j) => m + u * c0[j] + v * c1[j]);
    } else {
      z = Array.from(codes.subarray(near[0] * d, (near[0] + 1) * d));
    }
    const context = probe.getContext("2d"), image = context.createImageData(28, 28), x = decode(decoder, z);
    paint(image, x, lut);
    context.putImageData(image, 0, 0);
    probe.dataset.draws = String(Number(probe.dataset.draws || 0) + 1);
    probe.dataset.code = z.join(",");
    probe.dataset.at = `${u},${v}`;
    const said = method === "PCA" ? `(${u.toFixed(2)}, ${v.toFixed(2)}) on the plane, decoded`
      : `Test digit #${header.indices[near[0]]} (${aDigit(labels[near[0]])}), its code decoded`;
    $(".ll-where").textContent = said + ".";
    sayReading(root, $(".ll-where"), classifier, x, said + ": ");
    $(".ll-near").textContent = `The five nearest test codes on the map are digits ${near.map((i) => labels[i]).join(", ")}.`;
    draw(near);
    root.point = [u, v];
  };
  const at = (event) => {
    const box = canvas.getBoundingClientRect();
    return [x0 + ((event.clientX - box.left) / box.width) * (x1 - x0),
            y1 - ((event.clientY - box.top) / box.height) * (y1 - y0)];
  };
  canvas.onpointermove = canvas.onpointerdown = (event) => probeAt(...at(event));
  canvas.onkeydown = (event) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const [u, v] = root.point || [(x0 + x1) / 2, (y0 + y1) / 2];
    if (event.key === "Enter" || event.key === " ") {  // the keyboard's click, where the arrows left the point
      event.preventDefault();
      pick(u, v);
      return;
    }
    if (!moves[event.key]) return;
    event.preventDefault();
    probeAt(Math.min(x1, Math.max(x0, u + (moves[event.key][0] * (x1 - x0)) / 30)),
            Math.min(y1, Math.max(y0, v + (moves[event.key][1] * (y1 - y0)) / 30)));
  };
  const pick = (u, v) => {  // pick a point (or drop the picked one near it): the server decodes around it
    const tolerance = (x1 - x0) / 40;
    const hit = root.picked.findIndex(([a, b]) => Math.hypot(a - u, b - v) < tolerance);
    if (hit >= 0) root.picked.splice(hit, 1); else root.picked.push([u, v]);
    $(".ll-status").textContent = `${hit >= 0 ? "Dropped" : "Picked"} the point (${u.toFixed(2)}, ${v.toFixed(2)}): ` +
      `${root.picked.length} picked; the nearest test codes are decoded below the map.`;
    setStateValue("view", { picked: root.picked });
  };
  canvas.onclick = (event) => pick(...at(event));

  const key = [decoder.name, header.cmap, method, header.version, xy.length].join("|");
  if (root.dataset.drawn !== key) {
    probeAt(...(root.point || [(x0 + x1) / 2, (y0 + y1) / 2]));
    root.dataset.drawn = key;
  }
}
