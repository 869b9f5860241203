// Filters update the results without a full page load; the form still works without script.
(function () {
  const form = document.getElementById("filters");
  const panel = document.getElementById("panel");
  if (!form || !panel || !window.fetch) return;
  function query() {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params.entries()]) if (!value) params.delete(key);
    return params.toString();
  }
  function refresh(event) {
    if (event) event.preventDefault();
    const q = query();
    panel.setAttribute("aria-busy", "true");
    fetch(form.dataset.panel + "?" + q, { headers: { "X-Requested-With": "fetch" } })
      .then((r) => r.text())
      .then((html) => {
        panel.innerHTML = html;
        panel.removeAttribute("aria-busy");
        history.replaceState(null, "", "?" + q);
      });
  }
  form.addEventListener("submit", refresh);
  form.querySelectorAll("select, input").forEach((el) => el.addEventListener("change", refresh));
})();
