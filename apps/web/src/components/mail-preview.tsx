"use client";

import { useEffect, useRef } from "react";

/**
 * An email's HTML as the recipient's mail client would show it: as wide as the page (the email's own
 * max-width and padding keep it readable) and as tall as its content, so it never scrolls inside a box.
 * Sandboxed without scripts; `allow-same-origin` only lets this page measure it. Links open in the top window.
 */
export function MailPreview({ html, title }: { html: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  useEffect(() => {
    const iframe = frame.current;
    if (!iframe) return;
    // The content's height (the <html> box, whatever the frame's own height is now).
    const fit = () => {
      const root = iframe.contentDocument?.documentElement;
      if (!root || iframe.clientWidth === 0) return;
      iframe.style.height = `${Math.ceil(root.getBoundingClientRect().height)}px`;
    };
    // Again whenever the frame's width changes (the page's width, or the <details> around it opening).
    const observer = new ResizeObserver(fit);
    observer.observe(iframe);
    iframe.addEventListener("load", fit);
    fit();
    return () => {
      iframe.removeEventListener("load", fit);
      observer.disconnect();
    };
  }, []);
  return (
    <iframe
      ref={frame}
      className="mail-html"
      title={title}
      sandbox="allow-same-origin allow-popups allow-top-navigation-by-user-activation"
      srcDoc={html.replace("<head>", '<head><base target="_top">')}
    />
  );
}
