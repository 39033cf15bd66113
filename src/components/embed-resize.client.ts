import { RESIZE_MESSAGE } from '../lib/embed/embed';

// Inside a frame: tell the parent page how tall the poll is, whenever that changes (public/embed.js sizes the frame).
if (window.parent !== window) {
  const poll = document.body.dataset.poll ?? '';
  let last = 0;
  const report = (): void => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height === last) return;
    last = height;
    // The height is no secret, and the parent's origin is not known here: any parent may hear it.
    window.parent.postMessage({ type: RESIZE_MESSAGE, poll, height }, '*');
  };
  new ResizeObserver(report).observe(document.documentElement);
  report();
}
