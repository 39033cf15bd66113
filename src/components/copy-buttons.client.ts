// Copy buttons (the share link, the embed code): shown only where the clipboard can be written; each copies its
// data-copy text and says so in the page's language (data-copied). Kept this small because posts carry it within their JavaScript budget.
if (navigator.clipboard) {
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-copy]')) {
    b.hidden = false;
    b.onclick = () =>
      void navigator.clipboard.writeText(b.dataset.copy ?? '').then(() => (b.textContent = b.dataset.copied ?? '✓'));
  }
}
