/* Job progress bars (kipu.web.jobs): every .kipu-job[data-job-url] on the page asks the API for
   its job (/api/v1/jobs/<id>, the signed-in session) every 1.5 s until the job is finished, and
   shows the state, the bar, the message, the error and the result links. Served as a static
   file: the Content-Security-Policy allows no inline script. Loaded once however many bars.
   Each answer is also sent to the page as a "kipu-job" event on the box (detail: the job, as
   the API gives it), and window.kipuJobProgress.follow(box) follows a box added later. */
(function () {
  "use strict";
  if (window.kipuJobProgress) { return; }
  var EVERY_MS = 1500;

  function text(box, selector, value) {
    var node = box.querySelector(selector);
    if (node) { node.textContent = value || ""; }
    return node;
  }

  function links(box, items) {
    var list = box.querySelector(".kipu-job-links");
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    (items || []).forEach(function (item) {
      var entry = document.createElement("li");
      var anchor = document.createElement("a");
      anchor.href = item.href;  // site-relative links made by the server
      anchor.textContent = item.label || item.rel;
      entry.appendChild(anchor);
      list.appendChild(entry);
    });
  }

  function show(box, job) {
    box.className = "kipu-job kipu-job-" + job.state +
      (job.outcome ? " kipu-job-outcome-" + job.outcome : "");
    text(box, ".kipu-job-state", job.state_label);
    var bar = box.querySelector(".kipu-job-bar");
    if (bar) { bar.value = job.progress; bar.textContent = job.progress + "%"; }
    text(box, ".kipu-job-percent", job.progress + "%");
    text(box, ".kipu-job-message", job.message);
    var error = text(box, ".kipu-job-error", job.error);
    if (error) { error.hidden = !job.error; }
    links(box, job.links);
    box.setAttribute("data-finished", job.finished ? "1" : "0");
    box.dispatchEvent(new CustomEvent("kipu-job", { bubbles: true, detail: job }));
  }

  function follow(box) {
    var url = box.getAttribute("data-job-url");
    function poll() {
      if (!box.isConnected) { return; }  // replaced by the page: nothing left to show
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (job) {
          if (job) { show(box, job); }
          if (!job || !job.finished) { window.setTimeout(poll, EVERY_MS); }
        })
        .catch(function () { window.setTimeout(poll, EVERY_MS * 4); });
    }
    poll();
  }

  window.kipuJobProgress = { follow: follow };

  function start() {
    document.querySelectorAll(".kipu-job[data-job-url]").forEach(function (box) {
      if (box.getAttribute("data-finished") !== "1") { follow(box); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
