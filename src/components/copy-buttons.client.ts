// Copy buttons (the share link, the embed code): each shows only where the clipboard can be written, copies its
// `data-copy` text (or the text of the element `data-copy-from` names) and says when it did.
if (navigator.clipboard) {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy], button[data-copy-from]')) {
    button.hidden = false;
    const done = button.dataset.copied ?? 'Copied';
    button.onclick = () => {
      const from = button.dataset.copyFrom ? document.getElementById(button.dataset.copyFrom) : null;
      const text = from ? (from as HTMLTextAreaElement).value || (from.textContent ?? '') : (button.dataset.copy ?? '');
      void navigator.clipboard.writeText(text).then(() => {
        button.textContent = done;
      });
    };
  }
}
