// The report editor: live preview of narrative sections (the server renders the Markdown with
// the real figures), the figure picker (figures and valid arguments come from the server, in
// #picker's data-picker attribute) and the render job of both languages with a per-file list.
(function () {
  "use strict";
  const form = document.getElementById("narrative");
  if (!form) return;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const timers = {};
  let target = form.querySelector("textarea[data-section]");

  function preview(area) {
    const box = document.getElementById("preview-" + area.dataset.section);
    const body = new URLSearchParams({ markdown: area.value, lang: form.dataset.lang });
    fetch(form.dataset.preview, { method: "POST", body: body, headers: { "X-CSRFToken": token } })
      .then((r) => r.json())
      .then((data) => {
        if (data.ok) { box.innerHTML = data.html; box.classList.remove("error"); }
        else { box.textContent = data.error; box.classList.add("error"); }
      });
  }

  form.querySelectorAll("textarea[data-section]").forEach((area) => {
    area.addEventListener("input", () => {
      clearTimeout(timers[area.id]);
      timers[area.id] = setTimeout(() => preview(area), 400);
    });
    area.addEventListener("focus", () => { target = area; showTarget(); });
    if (area.value.trim()) preview(area);
  });

  // --- figure picker -------------------------------------------------------------------
  const picker = document.getElementById("picker");
  const data = picker && picker.dataset.picker ? JSON.parse(picker.dataset.picker) : null;

  function option(value, text) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }

  function showTarget() {
    const label = target && form.querySelector("label[for='" + target.id + "']");
    const shown = document.getElementById("picker-target");
    if (shown) shown.textContent = label ? "→ " + label.textContent : "";
  }

  function figure() {
    const name = document.getElementById("picker-figure").value;
    return data.figures.find((f) => f.name === name);
  }

  function argumentsFor(spec) {
    const box = document.getElementById("picker-arguments");
    box.replaceChildren();
    spec.parameters.forEach((parameter) => {
      const domain = data.arguments[parameter];
      if (!domain) return;
      const required = spec.required.includes(parameter);
      const label = document.createElement("label");
      const select = document.createElement("select");
      select.className = "wide";
      select.dataset.parameter = parameter;
      if (!required) select.append(option("", data.texts.all));
      domain.choices.forEach((choice) => {
        const unit = choice.unit ? " (" + choice.unit + ")" : "";
        select.append(option(choice.code, choice.label + unit + " · " + choice.code));
      });
      select.addEventListener("change", expression);
      label.append(domain.label + (required ? " (" + data.texts.required + ")" : ""));
      label.append(document.createElement("br"), select);
      const p = document.createElement("p");
      p.append(label);
      box.append(p);
    });
  }

  function expression() {
    const spec = figure();
    const parts = [];
    document.querySelectorAll("#picker-arguments select").forEach((select) => {
      if (select.value) parts.push(select.dataset.parameter + '="' + select.value + '"');
    });
    let text = spec.name + (parts.length ? "(" + parts.join(", ") + ")" : "");
    const filter = document.getElementById("picker-filter").value;
    if (filter) text += " | " + filter;
    if (document.getElementById("picker-capfirst").checked) text += " | capfirst";
    const written = "{{ " + text + " }}";
    document.getElementById("picker-expression").textContent = written;
    return written;
  }

  function chooseFigure() {
    const spec = figure();
    document.getElementById("picker-help").textContent =
      spec.doc + (spec.unit ? " (" + spec.unit + ")" : "");
    argumentsFor(spec);
    expression();
  }

  function insert() {
    if (!target) return;
    const text = expression();
    const start = target.selectionStart ?? target.value.length;
    const end = target.selectionEnd ?? start;
    target.value = target.value.slice(0, start) + text + target.value.slice(end);
    target.focus();
    target.selectionStart = target.selectionEnd = start + text.length;
    target.dispatchEvent(new Event("input"));
  }

  if (picker && data) {
    const figures = document.getElementById("picker-figure");
    data.figures.forEach((f) => figures.append(option(f.name, f.name + " · " + f.doc)));
    const filters = document.getElementById("picker-filter");
    data.filters.forEach((f) => filters.append(option(f.name, f.label)));
    figures.addEventListener("change", chooseFigure);
    filters.addEventListener("change", expression);
    document.getElementById("picker-capfirst").addEventListener("change", expression);
    document.getElementById("picker-insert").addEventListener("click", insert);
    picker.hidden = false;
    chooseFigure();
    showTarget();
  }

  // --- rendering: a background job renders both languages ----------------------------
  // The job's box (jobs/progress.js) shows its state, bar, message and error; this list shows
  // each file as the job writes it (the job's steps, "en-pdf"), then its download.
  const render = document.getElementById("render-form");
  const holder = document.getElementById("render-job");
  const progress = document.getElementById("render-progress");
  const failure = document.getElementById("render-error");

  function mark(li, state, text) {
    li.dataset.state = state;
    li.querySelector(".state").textContent = text || progress.dataset[state];
  }

  function showLink(li, href, version) {
    const link = li.querySelector("a.download");
    link.hidden = !href;
    if (!href) return;
    link.href = href;
    link.download = li.dataset.name;
    link.textContent = li.dataset.name;
    mark(li, "done", progress.dataset.done + (version ? " (v" + version + ")" : ""));
  }

  // The list as the job stands (its answer from the API): a file is done once written, the
  // language being rendered is the one of the first file not written yet.
  function showJob(job) {
    const steps = job.steps || [];
    const links = {};
    (job.links || []).forEach((l) => { links[l.rel] = l.href; });
    const versions = (job.result && job.result.versions) || {};
    const items = Array.from(progress.querySelectorAll("li"));
    const next = items.find((li) => !steps.includes(li.dataset.step));
    const current = job.state === "running" && next ? next.dataset.lang : null;
    items.forEach((li) => {
      if (steps.includes(li.dataset.step) || links[li.dataset.step]) mark(li, "done");
      else if (job.state === "failed") mark(li, "failed");
      else mark(li, li.dataset.lang === current ? "rendering" : "waiting");
      showLink(li, links[li.dataset.step], versions[li.dataset.lang]);
    });
    progress.hidden = false;
    render.querySelector("button").disabled = !job.finished;
  }

  // Both narratives are checked before the job is queued: a mistake in either is told here
  // and nothing is rendered.
  function refused(error) {
    holder.replaceChildren();
    progress.querySelectorAll("li").forEach((li) => { mark(li, "failed"); showLink(li, null); });
    progress.hidden = false;
    failure.textContent = error || failure.dataset.unexpected;
    failure.hidden = false;
    render.querySelector("button").disabled = false;
  }

  async function start(event) {
    event.preventDefault();
    render.querySelector("button").disabled = true;
    failure.hidden = true;
    let answer;
    try {
      const response = await fetch(render.action, {
        method: "POST", body: new FormData(render),
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      });
      answer = await response.json();
    } catch (error) {
      answer = { ok: false };
    }
    if (!answer.ok) { refused(answer.error); return; }
    holder.innerHTML = answer.html;  // the job's box, from the server's template
    showJob(answer.job);
    const box = holder.querySelector(".kipu-job");
    if (box && !answer.job.finished) window.kipuJobProgress.follow(box);
  }

  if (render && holder && progress && window.fetch && window.kipuJobProgress) {
    holder.classList.add("scripted");  // the list below gives the downloads, not the box
    holder.addEventListener("kipu-job", (event) => showJob(event.detail));
    if (holder.dataset.job) showJob(JSON.parse(holder.dataset.job));
    render.addEventListener("submit", start);
  }
})();
