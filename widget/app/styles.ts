/**
 * @module The chat window's stylesheet, adopted into the widget's shadow root (a constructable stylesheet:
 * allowed under a strict CSP, unlike a <style> element). Text inputs are 16px so iOS does not zoom.
 */
export const APP_CSS = `
.chat{display:flex;flex-direction:column;height:100%;min-height:0;background:#fff;color:#1f2328}
.head{display:flex;align-items:flex-start;justify-content:space-between;gap:12px;padding:16px 16px 14px;
  background:var(--papo-accent,#047857);color:#fff}
.head h2{margin:0;font-size:17px;font-weight:650;line-height:1.3}
.head .sub{margin:2px 0 0;font-size:13px;opacity:.92}
.icon{all:unset;box-sizing:border-box;display:grid;place-items:center;width:34px;height:34px;border-radius:8px;cursor:pointer;color:inherit}
.icon svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2.2;stroke-linecap:round}
.icon:hover{background:rgba(255,255,255,.16)}
.icon:focus-visible{outline:2px solid #fff;outline-offset:1px}
.banner{margin:0;padding:8px 16px;background:#fff4ce;color:#5c4400;font-size:13px;border-bottom:1px solid #f0dc9a}
.log{flex:1;min-height:0;overflow-y:auto;padding:16px 14px 8px;background:#f6f7f9;overscroll-behavior:contain}
.log ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:10px}
.msg{display:flex;flex-direction:column;max-width:82%}
.msg.mine{align-self:flex-end;align-items:flex-end}
.msg.theirs{align-self:flex-start;align-items:flex-start}
.who{font-size:12px;color:#57606a;margin:0 0 3px 4px}
.bubble{margin:0;padding:9px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:15px;line-height:1.4}
.mine .bubble{background:var(--papo-accent,#047857);color:#fff;border-bottom-right-radius:5px}
.theirs .bubble{background:#fff;color:#1f2328;border:1px solid #e3e6ea;border-bottom-left-radius:5px}
.sending .bubble{opacity:.7}
.failed .bubble{background:#fbe9e9;color:#8a2b2b;border:1px solid #e9b7b7}
.meta{font-size:11.5px;color:#57606a;margin:3px 6px 0}
.failed .meta{color:#8a2b2b}
.notice{align-self:center;font-size:12.5px;color:#57606a;background:#eceef1;border-radius:999px;padding:3px 12px}
.link{all:unset;cursor:pointer;text-decoration:underline;font-weight:600}
.link:focus-visible{outline:2px solid currentColor}
.composer{border-top:1px solid #e3e6ea;padding:10px 12px 10px;background:#fff}
.composer textarea{box-sizing:border-box;width:100%;min-height:44px;max-height:140px;field-sizing:content;resize:none;
  padding:10px 12px;border:1px solid #c9ced6;border-radius:12px;font-family:inherit;font-size:16px;line-height:1.4;color:#1f2328;background:#fff}
.composer textarea:focus{outline:2px solid var(--papo-accent,#047857);outline-offset:-1px;border-color:transparent}
.composer textarea[aria-invalid=true]{border-color:#b42318}
.composer-foot{display:flex;align-items:center;justify-content:space-between;margin-top:6px}
.counter{font-size:12px;color:#57606a;font-variant-numeric:tabular-nums}
.counter.over{color:#b42318;font-weight:650}
.send{all:unset;box-sizing:border-box;padding:8px 16px;border-radius:10px;background:var(--papo-accent,#047857);color:#fff;
  font-weight:600;font-size:14px;cursor:pointer}
.send:disabled{background:#c9ced6;color:#57606a;cursor:default}
.send:focus-visible{outline:3px solid #1f2328;outline-offset:2px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`;
