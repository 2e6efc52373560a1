"use strict";
// The masking review (processing/processing.html): a strip sampled over the whole clip, a
// scrubber that shows any frame, detections that jump the scrubber to their frame, and
// dragging on any shown frame to add a box the detector missed.
(function () {
  const field = document.getElementById("added"), list = document.getElementById("added-list");
  if (!field) return;
  const added = JSON.parse(field.value || "[]");
  function show() {
    field.value = JSON.stringify(added);
    // "追加した枠：フレーム 12（105×78 から 293×239）" in the page's language (data-* texts).
    const [lead, frameWord] = [list.dataset.lead || "", list.dataset.frame || ""];
    list.textContent = added.length ? lead + added.map(
      a => `${frameWord} ${a.frame}（${a.box[0]}, ${a.box[1]} – ${a.box[2]}, ${a.box[3]}）`).join("、") : "";
  }
  function drawable(img) {
    let start = null;
    img.addEventListener("mousedown", e => { e.preventDefault(); start = [e.offsetX, e.offsetY]; });
    img.addEventListener("mouseup", e => {
      if (!start) return;
      const scale = Number(img.dataset.width) / img.clientWidth;
      const xs = [start[0], e.offsetX].map(v => Math.round(v * scale)).sort((a, b) => a - b);
      const ys = [start[1], e.offsetY].map(v => Math.round(v * scale)).sort((a, b) => a - b);
      start = null;
      if (xs[1] - xs[0] < 4 || ys[1] - ys[0] < 4) return;
      added.push({frame: Number(img.dataset.frame), box: [xs[0], ys[0], xs[1], ys[1]]}); show();
    });
  }
  document.querySelectorAll("#strip img").forEach(drawable);

  const scrubber = document.getElementById("scrubber");
  if (scrubber) {
    const range = document.getElementById("scrub"), label = document.getElementById("scrub-label");
    const view = document.getElementById("scrub-view"), image = document.getElementById("scrub-image");
    const fps = Number(scrubber.dataset.fps) || 0, base = scrubber.dataset.url;
    let timer = null;
    drawable(image);
    function describe(frame) {
      const seconds = fps ? (frame / fps).toFixed(1) : "";
      label.textContent = `${frame} / ${Number(scrubber.dataset.frames) - 1}` + (seconds ? `（${seconds} s）` : "");
    }
    function load(frame) {
      image.dataset.frame = String(frame);
      image.alt = `${frame}`;
      image.src = base.replace(/\/0\.jpg$/, `/${frame}.jpg`);
      view.hidden = false;
    }
    range.addEventListener("input", () => {
      describe(Number(range.value));
      clearTimeout(timer);  // each frame shown is an audited viewing: load when the hand rests
      timer = setTimeout(() => load(Number(range.value)), 250);
    });
    range.addEventListener("change", () => { clearTimeout(timer); load(Number(range.value)); });
    document.querySelectorAll("button.jump").forEach(button => button.addEventListener("click", () => {
      range.value = button.dataset.frame;
      describe(Number(range.value));
      load(Number(range.value));
      scrubber.scrollIntoView({block: "nearest"});
    }));
    describe(Number(range.value));
  }
  show();
})();
