// The dashboard's survey section: loaded from its own address (it has its own filters and is
// never cached with the dashboard), and its filters update it without a full page load.
(function () {
  const section = document.querySelector("[data-section]");
  if (!section || !window.fetch) return;
  const base = section.dataset.section;
  function load(query) {
    section.setAttribute("aria-busy", "true");
    fetch(base + (query ? "?" + query : ""), { headers: { "X-Requested-With": "fetch" } })
      .then((r) => (r.ok ? r.text() : ""))
      .then((html) => {
        section.removeAttribute("aria-busy");
        if (!html || html.indexOf("data-empty") !== -1) { section.hidden = true; return; }
        section.innerHTML = html;
        const form = section.querySelector("[data-survey-filters]");
        if (!form) return;
        const send = (event) => {
          if (event) event.preventDefault();
          const params = new URLSearchParams(new FormData(form));
          if (event && event.target && event.target.name !== "group") params.delete("group");
          load(params.toString());
        };
        form.addEventListener("submit", send);
        form.querySelectorAll("select").forEach((el) => el.addEventListener("change", send));
      });
  }
  load("");
})();
