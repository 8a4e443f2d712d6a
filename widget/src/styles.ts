/**
 * All of the widget's CSS, inside its shadow root. The host's own box (fixed, on top, not
 * transformed) is declared twice with !important: in `:host`, where an important rule of the
 * shadow tree beats every important rule of the page, and inline, for browsers that would
 * not honor the first. `all: initial` first, so nothing the page sets is inherited.
 */

export const HOST_STYLE = [
  "all:initial",
  "position:fixed",
  "z-index:2147483000",
  "display:block",
  "bottom:0",
  "right:0",
  "width:0",
  "height:0",
  "margin:0",
  "padding:0",
  "border:0",
  "overflow:visible",
  "visibility:visible",
  "opacity:1",
  "transform:none",
  "filter:none",
  "contain:none",
  "pointer-events:auto",
]
  .map((declaration) => `${declaration} !important`)
  .join(";");

export const CSS = `
:host{${HOST_STYLE}}
:host([data-loading]) .root{visibility:hidden}
[hidden]{display:none!important}
.root{--accent:#4f46e5;--on-accent:#fff;--bg:#fff;--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bubble:#f3f4f6;--panel-shadow:0 12px 48px rgba(0,0,0,.22);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);text-align:left;direction:ltr;letter-spacing:normal;text-transform:none;-webkit-font-smoothing:antialiased}
.root *,.root *::before,.root *::after{box-sizing:border-box}
.dark{--bg:#111827;--fg:#f3f4f6;--muted:#9ca3af;--line:#374151;--bubble:#1f2937}
@media (prefers-color-scheme:dark){.auto{--bg:#111827;--fg:#f3f4f6;--muted:#9ca3af;--line:#374151;--bubble:#1f2937}}
button,textarea,input{font:inherit;color:inherit;margin:0}
button{cursor:pointer;background:none;border:0;padding:0}
button:disabled{cursor:default;opacity:.55}
:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.launcher{position:fixed;bottom:20px;right:20px;width:56px;height:56px;border-radius:50%;background:var(--accent);color:var(--on-accent);display:flex;align-items:center;justify-content:center;box-shadow:0 6px 24px rgba(0,0,0,.25);transition:transform .15s}
.launcher:hover{transform:scale(1.06)}
.left .launcher{right:auto;left:20px}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center}
.panel{position:fixed;bottom:88px;right:20px;width:380px;max-width:calc(100vw - 40px);height:640px;max-height:calc(100vh - 108px);display:flex;flex-direction:column;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:16px;box-shadow:var(--panel-shadow);overflow:hidden}
.left .panel{right:auto;left:20px}
.header{display:flex;align-items:center;gap:10px;padding:12px 12px 12px 16px;background:var(--accent);color:var(--on-accent)}
.avatar{width:36px;height:36px;border-radius:50%;flex:none;object-fit:cover;background:rgba(255,255,255,.25);display:flex;align-items:center;justify-content:center;font-weight:700}
.titles{flex:1;min-width:0}
.title{font-weight:700;font-size:15px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.subtitle{font-size:12px;opacity:.9;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.icon-button{width:32px;height:32px;border-radius:8px;display:flex;align-items:center;justify-content:center;color:inherit}
.icon-button:hover{background:rgba(255,255,255,.18)}
.log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.msg{display:flex;flex-direction:column;max-width:85%;align-self:flex-start}
.msg.visitor{align-self:flex-end;align-items:flex-end}
.bubble{padding:9px 12px;border-radius:14px;background:var(--bubble);overflow-wrap:anywhere;word-break:break-word}
.visitor .bubble{background:var(--accent);color:var(--on-accent);white-space:pre-wrap}
.operator .author{font-size:11px;color:var(--muted);margin:0 0 2px 4px}
.msg.system,.notice{align-self:center;max-width:90%;text-align:center;font-size:12px;color:var(--muted)}
.system .bubble{background:none;border:1px solid var(--line)}
.bubble p{margin:0 0 .5em}.bubble p:last-child{margin-bottom:0}
.bubble ul,.bubble ol{margin:.25em 0 .5em;padding-left:1.3em}
.bubble pre{margin:.4em 0;padding:8px;border-radius:8px;background:rgba(0,0,0,.08);overflow-x:auto;white-space:pre}
.bubble code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.bubble :not(pre)>code{padding:1px 4px;border-radius:4px;background:rgba(0,0,0,.08)}
.bubble blockquote{margin:.4em 0;padding-left:10px;border-left:3px solid var(--line)}
.bubble a{color:inherit;text-decoration:underline}
.bubble hr{border:0;border-top:1px solid var(--line)}
.cite{font-size:.75em;line-height:0;vertical-align:super;text-decoration:none!important;padding:0 1px;color:var(--accent)}
.sources{margin-top:6px;padding-top:6px;border-top:1px solid var(--line);font-size:12px}
.sources-title{font-weight:600;color:var(--muted)}
.sources-list{margin:2px 0 0;padding-left:1.4em}
.sources a{color:var(--accent)}
.status{font-size:11px;color:var(--muted);margin:2px 4px 0}
.failed .status{color:#dc2626}
.link-button{text-decoration:underline;font-size:11px;margin-left:4px}
.feedback{display:flex;gap:2px;margin-top:2px}
.feedback button{width:26px;height:26px;border-radius:6px;display:flex;align-items:center;justify-content:center;color:var(--muted)}
.feedback button:hover,.feedback button[aria-pressed=true]{color:var(--accent);background:var(--bubble)}
.typing{display:inline-flex;gap:4px;padding:4px 0}
.typing span{width:6px;height:6px;border-radius:50%;background:var(--muted);animation:blink 1.2s infinite}
.typing span:nth-child(2){animation-delay:.2s}.typing span:nth-child(3){animation-delay:.4s}
@keyframes blink{0%,80%,100%{opacity:.25}40%{opacity:1}}
@media (prefers-reduced-motion:reduce){.typing span{animation:none}.launcher{transition:none}}
.actions{display:flex;justify-content:center;padding:0 16px 8px}
.human{font-size:12px;padding:5px 12px;border-radius:999px;border:1px solid var(--line);color:var(--fg)}
.human:hover:not(:disabled){border-color:var(--accent)}
.alert{margin:0 16px 8px;padding:8px 10px;border-radius:8px;background:#fef2f2;color:#991b1b;font-size:12px}
.connection{margin:0 16px 8px;font-size:12px;color:var(--muted);text-align:center}
.composer{display:flex;align-items:flex-end;gap:8px;padding:10px 12px;border-top:1px solid var(--line)}
.composer textarea{flex:1;resize:none;min-height:40px;max-height:120px;padding:9px 12px;border:1px solid var(--line);border-radius:12px;background:var(--bg);outline:none;line-height:1.4}
.composer textarea:focus{border-color:var(--accent)}
.send{width:40px;height:40px;border-radius:12px;background:var(--accent);color:var(--on-accent);display:flex;align-items:center;justify-content:center;flex:none}
.mic{width:40px;height:40px;border-radius:12px;border:1px solid var(--line);color:var(--fg);display:flex;align-items:center;justify-content:center;flex:none}
.mic.live{background:#dc2626;border-color:#dc2626;color:#fff}
.voice{display:flex;align-items:center;gap:8px;margin:0 16px 8px;font-size:12px;color:var(--muted)}
.voice-text{flex:1}
.meter{width:60px;height:6px;border-radius:3px;background:var(--line);overflow:hidden}
.meter-fill{display:block;height:100%;width:0;background:var(--accent)}
.voice[data-state=ended] .meter{display:none}
.prechat{padding:12px 16px 16px;border-top:1px solid var(--line);display:flex;flex-direction:column;gap:8px}
.prechat p{margin:0;font-size:13px}
.prechat label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:var(--muted)}
.prechat input{padding:8px 10px;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg)}
.prechat .alert{margin:0}
.prechat .row{display:flex;gap:8px;justify-content:flex-end}
.primary{padding:8px 14px;border-radius:8px;background:var(--accent);color:var(--on-accent);font-weight:600}
.secondary{padding:8px 14px;border-radius:8px;border:1px solid var(--line)}
.footer{padding:0 12px 8px;text-align:center;font-size:11px}
.footer a{color:var(--muted)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.panel,.left .panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0;border:0}.open .launcher{display:none}}
`;
