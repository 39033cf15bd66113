// Shows each copy-link button where the clipboard can be written, and says when it was.
if (navigator.clipboard) {
  for (const root of document.querySelectorAll<HTMLElement>('share-links')) {
    const button = root.querySelector<HTMLButtonElement>('[data-copy-link]');
    if (!button) continue;
    button.hidden = false;
    button.onclick = () =>
      void navigator.clipboard.writeText(root.dataset.url ?? location.href).then(() => {
        button.textContent = 'Link copied';
      });
  }
}
