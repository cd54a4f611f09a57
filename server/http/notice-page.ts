/**
 * The server's own small pages for a person who reached no class page: an address that is no page (404), join
 * attempts paused by the limiter (429). Self-contained HTML (no script, inline style) in the person's language,
 * with the same words in the other of Czech and English below, since a borrowed phone may be set to either.
 */

/** The words of one notice in one language. */
export interface NoticeWords {
  heading: string;
  text: string;
  /** The link's label; it leads to `href`. */
  action: string;
}

export interface Notice {
  language: 'cs' | 'en';
  /** The HTTP status, shown small above the heading. */
  status: number;
  /** The words in `language`, then in the other language. */
  first: NoticeWords;
  second: NoticeWords;
  href: string;
}

export function noticeHtml({ language, status, first, second, href }: Notice): string {
  const other = language === 'cs' ? 'en' : 'cs';
  return (
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8" />` +
    `<meta name="viewport" content="width=device-width, initial-scale=1" />` +
    `<title>${escapeHtml(first.heading)} · Attune</title>` +
    `<style>body{margin:0;font-family:system-ui,sans-serif;background:#f6f2ec;color:#211d18;line-height:1.45}` +
    `main{max-width:36rem;margin:12vh auto;padding:0 1.5rem}h1{font-size:2.5rem;line-height:1.15;margin:0 0 .75rem}` +
    `p{font-size:1.25rem}.code{color:#5b5248;font-size:1rem;margin:0}a{display:inline-block;padding:.75rem 1.25rem;` +
    `border-radius:.875rem;background:#1f5c58;color:#fff;font-weight:700;text-decoration:none}` +
    `a:focus-visible{outline:3px solid #1f5c58;outline-offset:3px}section{margin-top:3rem;border-top:1px solid #d6ccbf;color:#5b5248}` +
    `section h2{font-size:1.25rem;margin:1.5rem 0 .25rem}section p{font-size:1rem}</style></head>` +
    `<body><main><p class="code">${status}</p><h1>${escapeHtml(first.heading)}</h1>` +
    `<p>${escapeHtml(first.text)}</p><p><a href="${escapeHtml(href)}">${escapeHtml(first.action)}</a></p>` +
    `<section lang="${other}"><h2>${escapeHtml(second.heading)}</h2><p>${escapeHtml(second.text)}</p></section>` +
    `</main></body></html>`
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
