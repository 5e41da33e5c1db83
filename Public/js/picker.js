/* Vanguard — a customer select you can type into (progressive enhancement, no dependencies).
   A <select data-picker="/customers/picker"> lists the first customers by name; a search box
   put before it asks the server for the customers matching what is typed and offers those. */
(() => {
  "use strict";

  const WAIT_MS = 250;

  const option = (value, label) => {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    return o;
  };

  const enhance = (select) => {
    const search = document.createElement("input");
    search.type = "search";
    search.className = "picker-search";
    search.placeholder = select.dataset.pickerHint || "";
    search.setAttribute("aria-label", select.dataset.pickerHint || "");
    search.setAttribute("aria-controls", select.id);
    search.autocomplete = "off";
    select.parentNode.insertBefore(search, select);
    let timer = null;
    let asked = 0;
    const ask = async () => {
      const text = search.value.trim();
      if (!text) return;
      const ticket = ++asked;
      const url = new URL(select.dataset.picker, window.location.href);
      url.searchParams.set("q", text);
      let found;
      try {
        const answer = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!answer.ok) return;
        found = await answer.json();
      } catch (_) {
        return;
      }
      if (ticket !== asked || !Array.isArray(found)) return;  // a later search answered first
      const chosen = select.selectedOptions[0];
      select.replaceChildren(option("", "—"));
      if (chosen && chosen.value && !found.some((f) => f.value === chosen.value)) select.append(option(chosen.value, chosen.textContent));
      for (const f of found) select.append(option(f.value, f.label));
      if (!found.length && select.dataset.pickerNone) {
        const none = option("", select.dataset.pickerNone);
        none.disabled = true;
        select.append(none);
      }
      select.value = found.length === 1 ? found[0].value : chosen && chosen.value ? chosen.value : "";
      select.dataset.pickerResults = String(found.length);
      select.dispatchEvent(new Event("change", { bubbles: true }));
    };
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    });
    // Enter searches now instead of submitting the form half filled.
    search.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      clearTimeout(timer);
      ask();
    });
  };

  const start = () => document.querySelectorAll("select[data-picker]").forEach(enhance);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
