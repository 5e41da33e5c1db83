/* Vanguard — progressive enhancement. Plain ES2020, no dependencies.
   Every feature is optional: missing elements are simply ignored. */
(() => {
  "use strict";

  const GOTO = { o: "/org", m: "/members", d: "/departments", a: "/admin/audit", n: "/notifications", c: "/customers", p: "/pipeline", t: "/my-day" };
  const SEQUENCE_TIMEOUT_MS = 1500;

  const isTyping = (el) => {
    if (!el || !(el instanceof Element)) return false;
    if (el.isContentEditable) return true;
    return el.matches("input, textarea, select");
  };

  // Only follow http(s) URLs (never javascript: or data:) coming from data-href.
  const safeUrl = (href) => {
    if (!href) return null;
    try {
      const url = new URL(href, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_) {
      return null;
    }
  };

  const submitForm = (form) => {
    if (!form) return;
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  };

  /* 1. Navigation toggle */
  const initNavToggle = () => {
    const toggle = document.querySelector("button.nav-toggle");
    if (!toggle) return;
    const sync = () => toggle.setAttribute("aria-expanded", String(document.body.classList.contains("nav-open")));
    sync();
    toggle.addEventListener("click", () => {
      document.body.classList.toggle("nav-open");
      sync();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && document.body.classList.contains("nav-open")) {
        document.body.classList.remove("nav-open");
        sync();
        toggle.focus();
      }
    });
  };

  /* 2 + 7. Confirmation and dirty-form tracking (one submit handler so order is deterministic) */
  const serialize = (form) => {
    try {
      const params = new URLSearchParams();
      for (const [key, value] of new FormData(form)) {
        params.append(key, typeof value === "string" ? value : `${value.name}:${value.size}`);
      }
      return params.toString();
    } catch (_) {
      return "";
    }
  };

  const dirtyForms = new Map(); // form -> initial serialized state
  let lastSubmit = null; // the most recent submit event (checked lazily: later handlers may cancel it)

  const initForms = () => {
    document.querySelectorAll("form[data-dirty-warn]").forEach((form) => {
      dirtyForms.set(form, serialize(form));
    });

    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      const submitter = event.submitter;
      const message = (submitter && submitter.dataset && submitter.dataset.confirm) || form.dataset.confirm;
      if (message && !window.confirm(message)) {
        event.preventDefault();
        return;
      }
      lastSubmit = event;
    });

    window.addEventListener("pageshow", () => { lastSubmit = null; });

    window.addEventListener("beforeunload", (event) => {
      // Submitting a dirty form is how changes are saved; submitting another form still loses them.
      const submitted = lastSubmit && !lastSubmit.defaultPrevented ? lastSubmit.target : null;
      for (const [form, initial] of dirtyForms) {
        if (form !== submitted && form.isConnected && serialize(form) !== initial) {
          event.preventDefault();
          event.returnValue = "";
          return "";
        }
      }
      return undefined;
    });
  };

  /* 3. Auto-submitting selects */
  const initAutosubmit = () => {
    document.addEventListener("change", (event) => {
      const el = event.target;
      if (!(el instanceof HTMLSelectElement)) return;
      if (el.matches("select[data-autosubmit], form.locale-switch select")) submitForm(el.form);
    });
  };

  /* 4. Keyboard shortcuts */
  const helpBox = () => document.getElementById("shortcut-help");

  const helpIsOpen = (box) => {
    if (!box) return false;
    if (box instanceof HTMLDialogElement) return box.open;
    return box.classList.contains("open") && !box.hidden;
  };

  let helpReturnFocus = null;

  const setHelp = (open) => {
    const box = helpBox();
    if (!box || helpIsOpen(box) === open) return;
    if (open) {
      helpReturnFocus = document.activeElement;
      if (box instanceof HTMLDialogElement && typeof box.showModal === "function") box.showModal();
      else {
        box.hidden = false;
        box.classList.add("open");
      }
      if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "-1");
      box.focus();
    } else {
      if (box instanceof HTMLDialogElement && typeof box.close === "function") box.close();
      else {
        box.classList.remove("open");
        box.hidden = true;
      }
      if (helpReturnFocus && typeof helpReturnFocus.focus === "function") helpReturnFocus.focus();
      helpReturnFocus = null;
    }
  };

  const initShortcuts = () => {
    let pendingG = false;
    let pendingTimer = 0;
    const clearPending = () => {
      pendingG = false;
      window.clearTimeout(pendingTimer);
    };

    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (event.key === "Escape") {
        clearPending();
        if (helpIsOpen(helpBox())) {
          event.preventDefault();
          setHelp(false);
        }
        return;
      }
      if (isTyping(event.target)) return;

      if (pendingG) {
        const path = GOTO[event.key.toLowerCase()];
        clearPending();
        if (path) {
          event.preventDefault();
          window.location.assign(path);
          return;
        }
      }

      switch (event.key) {
        case "/": {
          const search = document.querySelector("input[type=search]");
          if (search) {
            event.preventDefault();
            search.focus();
            if (typeof search.select === "function") search.select();
          }
          break;
        }
        case "?":
          if (helpBox()) {
            event.preventDefault();
            setHelp(!helpIsOpen(helpBox()));
          }
          break;
        case "g":
        case "G":
          pendingG = true;
          window.clearTimeout(pendingTimer);
          pendingTimer = window.setTimeout(clearPending, SEQUENCE_TIMEOUT_MS);
          break;
        default:
          break;
      }
    });

    // Close the help box with its own close button or by clicking outside it.
    document.addEventListener("click", (event) => {
      const box = helpBox();
      if (!helpIsOpen(box)) return;
      const target = event.target;
      if (!(target instanceof Element)) return;
      let outside = !box.contains(target);
      if (target === box && box instanceof HTMLDialogElement) {
        // A click on a modal dialog's backdrop targets the dialog itself.
        const r = box.getBoundingClientRect();
        outside = event.clientX < r.left || event.clientX > r.right || event.clientY < r.top || event.clientY > r.bottom;
      }
      if (outside || target.closest("[data-close-help]")) setHelp(false);
    });
  };

  /* 5. Dismissible flash messages */
  const initFlash = () => {
    document.addEventListener("click", (event) => {
      const target = event.target;
      if (!(target instanceof Element)) return;
      const button = target.closest("button.flash-close");
      if (!button) return;
      event.preventDefault();
      const flash = button.closest(".flash");
      if (flash) flash.remove();
    });
  };

  /* 6. Clickable table rows */
  const INTERACTIVE = "a, button, input, select, textarea, label, summary, details, [role=button], [contenteditable]";

  const initRowLinks = () => {
    document.querySelectorAll("tr[data-href]").forEach((row) => {
      if (!row.hasAttribute("tabindex")) row.setAttribute("tabindex", "0");
    });

    const follow = (row, newTab) => {
      const url = safeUrl(row.getAttribute("data-href"));
      if (!url) return;
      if (newTab) window.open(url, "_blank", "noopener");
      else window.location.assign(url);
    };

    const rowFor = (event) => {
      const target = event.target;
      if (!(target instanceof Element)) return null;
      const row = target.closest("tr[data-href]");
      if (!row) return null;
      const interactive = target.closest(INTERACTIVE);
      if (interactive && row.contains(interactive)) return null;
      return row;
    };

    document.addEventListener("click", (event) => {
      if (event.button !== 0) return;
      const row = rowFor(event);
      if (!row) return;
      const selection = window.getSelection ? String(window.getSelection()) : "";
      if (selection.length > 0) return; // user was selecting text
      follow(row, event.ctrlKey || event.metaKey || event.shiftKey);
    });

    document.addEventListener("auxclick", (event) => {
      if (event.button !== 1) return;
      const row = rowFor(event);
      if (row) {
        event.preventDefault();
        follow(row, true);
      }
    });

    document.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      const row = event.target;
      if (row instanceof HTMLTableRowElement && row.matches("tr[data-href]")) {
        event.preventDefault();
        follow(row, event.ctrlKey || event.metaKey);
      }
    });
  };

  /* 9. Pipeline board: drag a deal card onto another stage's column. The card's own move form
     (which works without JavaScript) is submitted with the new stage, so the server's stage
     rules decide and a refusal comes back with its reason. */
  const initBoard = () => {
    const board = document.getElementById("board");
    if (!board) return;
    // A loss reason is asked for only when a lost stage is chosen (without script it is always there).
    const lostStages = new Set(Array.from(board.querySelectorAll(".column.outcome-lost")).map((c) => c.dataset.stage));
    const showReason = (form) => {
      const select = form.querySelector("select[name=stage]");
      const reason = form.querySelector("[data-loss-reason]");
      if (select && reason) reason.hidden = !lostStages.has(select.value);
    };
    board.querySelectorAll("form.move").forEach(showReason);
    board.addEventListener("change", (event) => {
      const form = event.target instanceof Element ? event.target.closest("form.move") : null;
      if (form) showReason(form);
    });
    let dragged = null;
    board.addEventListener("dragstart", (event) => {
      const card = event.target instanceof Element ? event.target.closest(".deal-card") : null;
      if (!card) return;
      dragged = card;
      card.classList.add("dragging");
      if (event.dataTransfer) { event.dataTransfer.effectAllowed = "move"; event.dataTransfer.setData("text/plain", card.dataset.id || ""); }
    });
    board.addEventListener("dragend", () => { if (dragged) dragged.classList.remove("dragging"); dragged = null; });
    board.addEventListener("dragover", (event) => {
      const column = event.target instanceof Element ? event.target.closest(".column") : null;
      if (column && dragged) { event.preventDefault(); column.classList.add("drop-target"); }
    });
    board.addEventListener("dragleave", (event) => {
      const column = event.target instanceof Element ? event.target.closest(".column") : null;
      if (column) column.classList.remove("drop-target");
    });
    board.addEventListener("drop", (event) => {
      const column = event.target instanceof Element ? event.target.closest(".column") : null;
      if (!column || !dragged) return;
      event.preventDefault();
      column.classList.remove("drop-target");
      const form = dragged.querySelector("form.move");
      const select = form ? form.querySelector("select[name=stage]") : null;
      if (!form || !select || select.value === column.dataset.stage) return;
      select.value = column.dataset.stage;
      if (column.classList.contains("outcome-lost")) {
        const reason = form.querySelector("input[name=lossReason]");
        const text = window.prompt(reason ? reason.getAttribute("placeholder") || "" : "");
        if (text === null) return;
        if (reason) reason.value = text;
      }
      const back = document.createElement("input");
      back.type = "hidden"; back.name = "back"; back.value = window.location.pathname + window.location.search;
      form.appendChild(back);
      submitForm(form);
    });
  };

  /* 10. Import with progress: the upload's bytes, then the server's own lines ("check 500
     20000", "write 0 19850"), then the page to show ("html" and the page). Without script, or if
     the request fails before the server answers, the form posts as usual. */
  const initImportProgress = () => {
    const form = document.querySelector("form[data-import-progress]");
    if (!form || !window.FormData || !window.XMLHttpRequest) return;
    const box = document.getElementById("import-progress");
    const bar = box ? box.querySelector("progress") : null;
    const label = box ? box.querySelector("[data-progress-label]") : null;
    const show = (text, done, total) => {
      if (!box || !bar || !label) return;
      box.hidden = false;
      bar.max = Math.max(total, 1); bar.value = Math.min(done, total);
      label.textContent = `${text} ${total > 0 ? Math.round((100 * done) / total) : 0}%` + (total > 1 ? ` (${done} / ${total})` : "");
    };
    form.addEventListener("submit", (event) => {
      if (form.dataset.sending === "1") { event.preventDefault(); return; }
      event.preventDefault();
      form.dataset.sending = "1";
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Import-Progress", "lines");
      xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) show(form.dataset.uploading || "", e.loaded, e.total); });
      let read = 0;
      let page = null;
      const consume = () => {
        const text = xhr.responseText;
        if (page !== null) return;
        let end;
        while ((end = text.indexOf("\n", read)) !== -1) {
          const line = text.slice(read, end);
          read = end + 1;
          if (line === "html") { page = read; return; }
          const [phase, done, total] = line.split(" ");
          show(phase === "write" ? form.dataset.writing || "" : form.dataset.checking || "", Number(done) || 0, Number(total) || 0);
        }
      };
      xhr.addEventListener("progress", consume);
      xhr.addEventListener("load", () => {
        consume();
        const html = page === null ? xhr.responseText : xhr.responseText.slice(page);
        document.open(); document.write(html); document.close();
      });
      xhr.addEventListener("error", () => { form.dataset.sending = ""; form.submit(); });
      xhr.send(new FormData(form));
    });
  };

  const init = () => {
    initImportProgress();
    initBoard();
    initNavToggle();
    initForms();
    initAutosubmit();
    initShortcuts();
    initFlash();
    initRowLinks();
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init, { once: true });
  else init();
})();
