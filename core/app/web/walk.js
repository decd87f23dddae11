// Interpolation: a scrubber t in [0, 1] that morphs between two digits, drawn here at every
// step of the drag: the pixels cross-faded, the codes walked along the chord (linear) and along
// the arc (slerp, as `core.latent.interpolate`), each decoded by the model in this browser.

/** (1 - t) a + t b, or along the great circle between a's and b's directions with the norm
 * interpolated linearly (slerp), for codes a, b (d,). */
function walkCode(a, b, t, mode) {
  const linear = a.map((v, j) => (1 - t) * v + t * b[j]);
  if (mode === "linear") return linear;
  const na = Math.hypot(...a), nb = Math.hypot(...b);
  const ua = a.map((v) => v / Math.max(na, 1e-8)), ub = b.map((v) => v / Math.max(nb, 1e-8));
  const omega = Math.acos(Math.min(1, Math.max(-1, ua.reduce((s, v, j) => s + v * ub[j], 0))));
  if (omega < 1e-4) return linear;
  const length = (1 - t) * na + t * nb;
  return ua.map((v, j) => ((Math.sin((1 - t) * omega) * v + Math.sin(t * omega) * ub[j]) / Math.sin(omega)) * length);
}

function walkView(root, header, arrays, { decoder }) {
  const { d, lut } = header;
  if (!root.querySelector(".ll-walk")) {
    root.insertAdjacentHTML("beforeend", `<div class="ll-walk">
      <label class="ll-field ll-scrub"><span>t = <output>0.50</output> (0 is A, 1 is B)</span>
        <input type="range" min="0" max="1" step="0.01" value="0.5" aria-label="t, from digit A to digit B"></label>
      <div class="ll-frames">${["A", "cross-fade", "linear walk", "slerp walk", "B"].map((name) =>
        `<figure><canvas width="28" height="28" data-testid="ll-${name.replace(/\W/g, "")}"></canvas>
          <figcaption>${name}</figcaption><figcaption class="ll-norm"></figcaption></figure>`).join("")}</div>
      <p class="ll-said" aria-live="polite"></p></div>`);
  }
  const $ = (s) => root.querySelector(s), input = $(".ll-scrub input");
  const canvases = [...root.querySelectorAll(".ll-frames canvas")];
  const norms = [...root.querySelectorAll(".ll-frames .ll-norm")];
  const za = header.z.slice(0, d), zb = header.z.slice(d, 2 * d);
  const xa = arrays.x.subarray(0, 784), xb = arrays.x.subarray(784, 1568);
  const show = (i, pixels) => {
    const context = canvases[i].getContext("2d"), image = context.createImageData(28, 28);
    paint(image, pixels, lut);
    context.putImageData(image, 0, 0);
  };
  const draw = () => {
    const t = Number(input.value);
    $(".ll-scrub output").textContent = t.toFixed(2);
    const linear = walkCode(za, zb, t, "linear"), slerp = walkCode(za, zb, t, "slerp");
    show(1, xa.map((v, i) => (1 - t) * v + t * xb[i]));
    show(2, decode(decoder, linear));
    show(3, decode(decoder, slerp));
    norms[2].textContent = `‖z‖ = ${Math.hypot(...linear).toFixed(2)}`;
    norms[3].textContent = `‖z‖ = ${Math.hypot(...slerp).toFixed(2)}`;
    $(".ll-said").textContent = `t = ${t.toFixed(2)}: the linear walk's code has ‖z‖ = ` +
      `${Math.hypot(...linear).toFixed(2)}, the slerp walk's ${Math.hypot(...slerp).toFixed(2)} ` +
      `(a draw from N(0, I) has about √${d} = ${Math.sqrt(d).toFixed(2)}).`;
    input.dataset.draws = String(Number(input.dataset.draws || 0) + 1);
  };
  const key = [decoder.name, header.cmap, ...za, ...zb].join(",");
  if (root.dataset.drawn !== key) {
    show(0, xa);
    show(4, xb);
    norms[0].textContent = `‖z_A‖ = ${Math.hypot(...za).toFixed(2)}`;
    norms[4].textContent = `‖z_B‖ = ${Math.hypot(...zb).toFixed(2)}`;
    draw();
    root.dataset.drawn = key;
  }
  input.oninput = draw;
}

// Latent arithmetic: pick A, B and C from a grid of test digits; A + B - C is decoded here at
// each pick. The picks go to the server, whose classifier then reads the result.
function arithView(root, header, arrays, { decoder, setStateValue }) {
  const { d, lut, indices } = header, n = indices.length, slots = ["A", "B", "C"];
  if (!root.querySelector(".ll-arith")) {
    root.insertAdjacentHTML("beforeend", `<div class="ll-arith">
      <div class="ll-slots" role="radiogroup" aria-label="Which digit a click picks">${slots.map((s, i) =>
        `<label><input type="radio" name="ll-slot" value="${i}"${i === 0 ? " checked" : ""}> pick ${s}</label>`).join("")}</div>
      <div class="ll-pickgrid">${indices.map((index, i) =>
        `<button type="button" class="ll-pick" data-i="${i}" aria-label="test digit #${index}"><canvas width="28" height="28"></canvas></button>`).join("")}</div>
      <div class="ll-frames ll-sum">${[...slots, "A + B − C"].map((name) =>
        `<figure><canvas width="28" height="28"></canvas><figcaption>${name}</figcaption><figcaption class="ll-norm"></figcaption></figure>`).join("")}</div>
      <p class="ll-said" aria-live="polite"></p></div>`);
    root.querySelectorAll(".ll-pick canvas").forEach((canvas, i) => {
      const context = canvas.getContext("2d"), image = context.createImageData(28, 28);
      paint(image, arrays.x.subarray(i * 784, (i + 1) * 784), lut);
      context.putImageData(image, 0, 0);
    });
  }
  const $ = (s) => root.querySelector(s), frames = [...root.querySelectorAll(".ll-sum canvas")];
  const norms = [...root.querySelectorAll(".ll-sum .ll-norm")];
  if (root.dataset.version !== String(header.version)) {
    root.dataset.version = String(header.version);
    root.picks = header.picks.map((index) => indices.indexOf(index));
  }
  const code = (i) => header.codes.slice(i * d, (i + 1) * d);
  const draw = () => {
    const [a, b, c] = root.picks, z = code(a).map((v, j) => v + code(b)[j] - code(c)[j]);
    [a, b, c].forEach((i, k) => {
      const context = frames[k].getContext("2d"), image = context.createImageData(28, 28);
      paint(image, i >= 0 ? arrays.x.subarray(i * 784, (i + 1) * 784) : new Float32Array(784), lut);
      context.putImageData(image, 0, 0);
      norms[k].textContent = i >= 0 ? `#${indices[i]}, ‖z‖ = ${Math.hypot(...code(i)).toFixed(2)}` : "";
    });
    const context = frames[3].getContext("2d"), image = context.createImageData(28, 28);
    paint(image, decode(decoder, z), lut);
    context.putImageData(image, 0, 0);
    frames[3].dataset.draws = String(Number(frames[3].dataset.draws || 0) + 1);
    frames[3].dataset.code = z.join(",");
    norms[3].textContent = `‖z‖ = ${Math.hypot(...z).toFixed(2)}`;
    root.querySelectorAll(".ll-pick").forEach((button, i) => {
      const slot = root.picks.indexOf(i);
      button.dataset.slot = slot >= 0 ? slots[slot] : "";
      button.setAttribute("aria-pressed", String(slot >= 0));
    });
    $(".ll-said").textContent = `A + B − C = #${indices[a]} + #${indices[b]} − #${indices[c]}, decoded.`;
  };
  root.querySelectorAll(".ll-pick").forEach((button) => {
    button.onclick = () => {
      const slot = Number(root.querySelector("input[name=ll-slot]:checked").value);
      root.picks[slot] = Number(button.dataset.i);
      draw();
      const next = root.querySelectorAll("input[name=ll-slot]")[(slot + 1) % 3];
      next.checked = true;  // A, then B, then C
      setStateValue("picks", root.picks.map((i) => indices[i]));
    };
  });
  const key = [decoder.name, header.cmap, ...root.picks].join(",");
  if (root.dataset.drawn !== key) { draw(); root.dataset.drawn = key; }
}
