// Live preview of narrative sections: the server renders the Markdown with the real figures.
(function () {
  const form = document.getElementById("narrative");
  if (!form) return;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const timers = {};
  function preview(area) {
    const target = document.getElementById("preview-" + area.dataset.section);
    const body = new URLSearchParams({ markdown: area.value, lang: form.dataset.lang });
    fetch(form.dataset.preview, { method: "POST", body: body, headers: { "X-CSRFToken": token } })
      .then((r) => r.json())
      .then((data) => {
        if (data.ok) { target.innerHTML = data.html; target.classList.remove("error"); }
        else { target.textContent = data.error; target.classList.add("error"); }
      });
  }
  form.querySelectorAll("textarea[data-section]").forEach((area) => {
    area.addEventListener("input", () => {
      clearTimeout(timers[area.id]);
      timers[area.id] = setTimeout(() => preview(area), 400);
    });
    if (area.value.trim()) preview(area);
  });
})();
