// sentiment-desk poll embeds: sizes each <iframe data-sentiment-desk-poll> to the height its page reports.
// Plain script, no dependencies; only messages from the frame's own window and origin are believed.
(function () {
  if (window.__sentimentDeskEmbeds) return;
  window.__sentimentDeskEmbeds = true;
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || data.type !== 'sentiment-desk:resize' || typeof data.height !== 'number') return;
    var frames = document.querySelectorAll('iframe[data-sentiment-desk-poll]');
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      if (new URL(frame.src, location.href).origin !== event.origin) return;
      frame.style.height = Math.max(120, Math.min(4000, data.height)) + 'px';
      return;
    }
  });
})();
